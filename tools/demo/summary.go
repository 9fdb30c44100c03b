package main

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

// printRunners lists the runners created, one line each. Tokens are shown by
// their prefix only: glrt-t1_ (instance), glrt-t2_ (group), glrt-t3_ (project).
func (d *demo) printRunners(o *demoOutputs) {
	d.step("Runners created")
	d.printf("    %-9s %-4s %-14s %-22s %-12s %s\n", "KEY", "ID", "TYPE", "TAGS", "TOKEN", "TOKEN EXPIRES")
	for _, k := range runnerKeys {
		r := o.Runners[k]
		d.printf("    %-9s %-4s %-14s %-22s %-12s %s\n", k, r.ID, r.RunnerType, strings.Join(r.Tags, ","),
			tokenPrefix(o.Tokens[k]), orNone(r.TokenExpiresAt))
	}
	d.printf("    (the tokens themselves are sensitive outputs: `%s output -raw <key>_runner_token`)\n", d.cli)
}

func (d *demo) printPolicy(p policyOutput) {
	d.step(fmt.Sprintf("Registration-token policy of group %s (gitlabrunner_registration_policy)", str(p.Scope)))
	allowed := "unknown (the token cannot read it)"
	if p.RegistrationTokensAllowed != nil {
		allowed = fmt.Sprint(*p.RegistrationTokensAllowed)
	}
	d.printf("    GitLab %s, legacy workflow phase: %s\n", str(p.GitLabVersion), str(p.LegacyWorkflowPhase))
	d.printf("    registration tokens allowed: %s\n", allowed)
	if p.RecommendedAction != nil && *p.RecommendedAction != "" {
		d.printf("    recommended action: %s\n", *p.RecommendedAction)
	}
}

// tokenPrefix shows what kind of token it is and nothing that would let
// anyone use it: "glrt-t2_…", or "glrt-…" for tokens without a partition
// (GitLab before 17.5).
func tokenPrefix(tok string) string {
	const glrt = "glrt-"
	switch {
	case tok == "":
		return "(none)"
	case strings.HasPrefix(tok, glrt):
		if p := partitionRE.FindString(tok[len(glrt):]); p != "" {
			return glrt + p + "…"
		}
		return glrt + "…"
	default:
		return "(not glrt-)…"
	}
}

// partitionRE matches the partition part of GitLab 17.5+ tokens: t1_, t2_, t3_.
var partitionRE = regexp.MustCompile(`^t[0-9]_`)

// orNone formats an RFC 3339 expiry as a date and time, or "never".
func orNone(s *string) string {
	if s == nil || *s == "" {
		return "never"
	}
	if t, err := time.Parse(time.RFC3339, *s); err == nil {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	}
	return *s
}

func str(s *string) string {
	if s == nil || *s == "" {
		return "?"
	}
	return *s
}
