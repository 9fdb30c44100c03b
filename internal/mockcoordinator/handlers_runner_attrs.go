package mockcoordinator

import "strings"

// runnerAttrs are the optional runner attributes shared by POST /user/runners,
// PUT /runners/:id and legacy POST /runners; nil means "not given".
type runnerAttrs struct {
	Description, MaintenanceNote *string
	Paused, Locked, RunUntagged  *bool
	TagList                      *[]string
	AccessLevel                  *string
	MaximumTimeout               *int64
	TimeoutGiven                 bool // maximum_timeout present (null clears it)
}

// parseRunnerAttrs validates the attributes in GitLab's declaration order.
// `active` (deprecated) maps to paused = !active.
func parseRunnerAttrs(v *validator) runnerAttrs {
	var a runnerAttrs
	if s, ok := v.str("description"); ok {
		a.Description = &s
	}
	if b := v.boolean("active"); b != nil {
		paused := !*b
		a.Paused = &paused
	}
	if b := v.boolean("paused"); b != nil {
		a.Paused = b
	}
	if l, ok := v.list("tag_list"); ok {
		a.TagList = &l
	}
	a.RunUntagged = v.boolean("run_untagged")
	a.Locked = v.boolean("locked")
	if s, ok := v.oneOf("access_level", AccessLevelNotProtected, AccessLevelRefProtected); ok {
		a.AccessLevel = &s
	}
	if v.p.has("maximum_timeout") {
		n, _ := v.integer("maximum_timeout")
		a.MaximumTimeout, a.TimeoutGiven = n, true
	}
	if s, ok := v.str("maintenance_note"); ok {
		a.MaintenanceNote = &s
	} else if s, ok := v.str("maintainer_note"); ok { // deprecated alias
		a.MaintenanceNote = &s
	}
	return a
}

func (a *runnerAttrs) apply(r *RunnerRecord) {
	if a.Description != nil {
		r.Description = *a.Description
	}
	if a.MaintenanceNote != nil {
		r.MaintenanceNote = *a.MaintenanceNote
	}
	if a.Paused != nil {
		r.Paused = *a.Paused
	}
	if a.Locked != nil {
		r.Locked = *a.Locked
	}
	if a.RunUntagged != nil {
		r.RunUntagged = *a.RunUntagged
	}
	if a.TagList != nil {
		r.TagList = append([]string{}, (*a.TagList)...)
	}
	if a.AccessLevel != nil {
		r.AccessLevel = *a.AccessLevel
	}
	if a.TimeoutGiven {
		r.MaximumTimeout = clonePtr(a.MaximumTimeout)
	}
}

// newRunnerDefaults are GitLab's defaults for a new runner.
func newRunnerDefaults(runnerType string) *RunnerRecord {
	return &RunnerRecord{
		RunnerType:  runnerType,
		RunUntagged: true,
		AccessLevel: AccessLevelNotProtected,
		TagList:     []string{},
	}
}

const maxTextLength = 1024

// modelAttrOrder and modelAttrNames turn model errors into Rails' full
// messages ("Maximum timeout needs to be at least 10 minutes").
var (
	modelAttrOrder = []string{"description", "maintenance_note", "tag_list", "tags_list", "maximum_timeout"}
	modelAttrNames = map[string]string{"description": "Description", "maintenance_note": "Maintenance note",
		"tag_list": "Tag list", "tags_list": "Tags list", "maximum_timeout": "Maximum timeout"}
)

// fullMessagesSentence joins model errors like Rails'
// errors.full_messages.to_sentence ("a", "a and b", "a, b, and c").
func fullMessagesSentence(errs map[string][]string) string {
	var msgs []string
	for _, attr := range modelAttrOrder {
		for _, m := range errs[attr] {
			msgs = append(msgs, modelAttrNames[attr]+" "+m)
		}
	}
	switch len(msgs) {
	case 0:
		return ""
	case 1:
		return msgs[0]
	case 2:
		return msgs[0] + " and " + msgs[1]
	}
	return strings.Join(msgs[:len(msgs)-1], ", ") + ", and " + msgs[len(msgs)-1]
}

// validateRunnerModel mirrors Ci::Runner's validations; nil when valid.
func validateRunnerModel(r *RunnerRecord) map[string][]string {
	errs := map[string][]string{}
	if len([]rune(r.Description)) > maxTextLength {
		errs["description"] = append(errs["description"], "is too long (maximum is 1024 characters)")
	}
	if len([]rune(r.MaintenanceNote)) > maxTextLength {
		errs["maintenance_note"] = append(errs["maintenance_note"], "is too long (maximum is 1024 characters)")
	}
	if !r.RunUntagged && len(r.TagList) == 0 {
		errs["tags_list"] = append(errs["tags_list"], "can not be empty when runner is not allowed to pick untagged jobs")
	}
	if r.MaximumTimeout != nil && *r.MaximumTimeout < 600 {
		errs["maximum_timeout"] = append(errs["maximum_timeout"], "needs to be at least 10 minutes")
	}
	for _, t := range r.TagList {
		if len([]rune(t)) > 255 {
			errs["tag_list"] = append(errs["tag_list"], "tag name is too long (maximum is 255 characters)")
			break
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errs
}
