package gitlabapi

import (
	"crypto/hmac"
	"crypto/sha256"
	"sort"
)

// DerivedKey returns a key for purpose derived from the client's secrets
// (the access token, or the values of the custom headers when no token is
// set, as with an Authorization header): HMAC-SHA256 keyed with them over
// purpose. What the provider writes into GitLab and must later recognise
// as its own (creation markers) is authenticated with it: nobody without
// the secret can produce it, and it reveals nothing of the secret. ok is
// false when the client has no secret at all.
func (c *Client) DerivedKey(purpose string) (key []byte, ok bool) {
	secret := []byte(c.token)
	if c.token == "" {
		names := make([]string, 0, len(c.headers))
		for name := range c.headers {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			for _, v := range c.headers[name] {
				secret = append(append(append(secret, name...), 0), append([]byte(v), 0)...)
			}
		}
	}
	if len(secret) == 0 {
		return nil, false
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(purpose))
	return mac.Sum(nil), true
}
