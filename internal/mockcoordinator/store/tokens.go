package store

import (
	"crypto/rand"
	"math/big"
)

const urlSafeAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

// randomString returns n characters drawn uniformly from alphabet using
// crypto/rand: the mock's tokens are secrets like the real ones.
func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	limit := big.NewInt(int64(len(alphabet)))
	for i := range b {
		v, err := rand.Int(rand.Reader, limit)
		if err != nil {
			panic("mockcoordinator: crypto/rand failed: " + err.Error())
		}
		b[i] = alphabet[v.Int64()]
	}
	return string(b)
}

// tokenRandomLen is the length of the random part of every token the mock
// mints (GitLab's are 20 characters too).
const tokenRandomLen = 20

// randomURLSafe returns the random part of a token.
func randomURLSafe() string { return randomString(tokenRandomLen, urlSafeAlphabet) }

// personalAccessToken mints a "glpat-" token.
func personalAccessToken() string { return "glpat-" + randomURLSafe() }

// groupRegistrationToken mints a group or project registration token
// (GitLab prefixes them with GR1348941).
func groupRegistrationToken() string { return "GR1348941" + randomURLSafe() }

// instanceRegistrationToken mints the instance registration token (no prefix).
func instanceRegistrationToken() string { return randomURLSafe() }

// partitionPrefix is the token partition part GitLab 17.5+ embeds per runner type.
func partitionPrefix(runnerType string) string {
	switch runnerType {
	case RunnerTypeGroup:
		return "t2_"
	case RunnerTypeProject:
		return "t3_"
	default:
		return "t1_"
	}
}

// authenticationToken mints the token of a runner created through
// POST /user/runners (or the UI) as the emulated version would.
func authenticationToken(v Version, runnerType string) string {
	if v.AtLeast(17, 5) {
		return "glrt-" + partitionPrefix(runnerType) + randomURLSafe()
	}
	return "glrt-" + randomURLSafe()
}

// legacyRunnerToken mints the token of a runner registered with a
// registration token: no "glrt-" prefix; "t1_..." style from 17.5, and
// "glrtr-" from 17.9.
func legacyRunnerToken(v Version, runnerType string) string {
	switch {
	case v.AtLeast(17, 9):
		return "glrtr-" + partitionPrefix(runnerType) + randomURLSafe()
	case v.AtLeast(17, 5):
		return partitionPrefix(runnerType) + randomURLSafe()
	default:
		return randomURLSafe()
	}
}
