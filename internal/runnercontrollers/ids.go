package runnercontrollers

import (
	"fmt"
	"strconv"
	"strings"
)

// Description is a controller's (or a token's) description as the
// resources and data sources show it: GitLab's null (never set) reads as "",
// the attribute's default.
func Description(d *string) string {
	if d == nil {
		return ""
	}
	return *d
}

// ParseID reads an id of GitLab's (a controller's, a token's, a runner's) as
// Terraform holds it: a positive decimal string, spaces around allowed.
func ParseID(s string) (int64, error) {
	s = strings.TrimSpace(s)
	id, err := strconv.ParseInt(s, 10, 64)
	switch {
	case s == "":
		return 0, fmt.Errorf("it is empty")
	case err != nil:
		return 0, fmt.Errorf("it is not a whole number of at most 19 digits")
	case id <= 0:
		return 0, fmt.Errorf("ids are positive")
	}
	return id, nil
}
