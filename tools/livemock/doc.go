// Package livemock proves live mode where it can be proven without a
// GitLab: against the mock coordinator started as a separate process (the
// built cmd/mock-coordinator, used as a black box). Its tests run `make
// testacc-live` against such a process and check through the API that
// nothing is left behind; and they kill a live run midway, run the
// sweeper, and check that nothing is left then either, and that what does
// not carry the live runs' mark is still there. `make testacc-live-mock`
// runs them (TF_ACC=1, a Terraform in TF_ACC_TERRAFORM_PATH).
package livemock
