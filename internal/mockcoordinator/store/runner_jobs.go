package store

// The jobs runners process. The mock runs no CI: no pipeline ever queues a
// job, and POST /jobs/request answers every runner 204 "no job"
// (api/runner_host.go). So every runner and runner manager is idle, and the
// jobs a runner processed (GET /runners/:id/jobs) are none: what GitLab
// answers for a runner that has not run a job yet.

// Job execution statuses of runners and runner managers
// (lib/api/ci/helpers/runner_job_execution_status_helper.rb: "active" while a
// build is running on it, else "idle").
const (
	JobExecutionActive = "active"
	JobExecutionIdle   = "idle"
)

// JobExecutionStatus is the runner's job_execution_status: idle, as no job
// ever runs in the mock.
func (r *RunnerRecord) JobExecutionStatus() string { return JobExecutionIdle }

// JobExecutionStatus is the manager's job_execution_status (see the runner's).
func (m *ManagerRecord) JobExecutionStatus() string { return JobExecutionIdle }

// CheckRunnerJobsAccess applies GitLab's rules for listing the jobs of runner
// id (lib/api/ci/runners.rb authenticate_list_runners_jobs!): a missing runner
// is NotFound "Runner"; administrators may list any runner's jobs, others
// need read_builds on the runner (the runner's managers: its group's Owners,
// the Maintainers of its projects), else Forbidden "No access granted". The
// list itself is empty in the mock (see above).
func (c *Caller) CheckRunnerJobsAccess(id int64) error {
	return c.withRunner(id, false, (*Store).canManageRunner, func(*RunnerRecord) error { return nil })
}
