package metav1

import "time"

// Helpers for the status.conditions of an object, with the semantics of
// apimachinery's meta package: conditions are keyed by Type, and a
// condition's LastTransitionTime changes only when its Status does.

// SetStatusCondition adds c to *conditions, or updates the condition of
// the same Type, and reports whether anything changed. Status, Reason,
// Message and ObservedGeneration are taken from c. LastTransitionTime is
// set only for a new condition or a change of Status: to c's when it is
// set, else to the current time truncated to the second (what the server
// stores). A nil conditions changes nothing.
func SetStatusCondition(conditions *[]Condition, c Condition) (changed bool) {
	if conditions == nil {
		return false
	}
	old := FindStatusCondition(*conditions, c.Type)
	if old == nil {
		if c.LastTransitionTime.IsZero() {
			c.LastTransitionTime = transitionNow()
		}
		*conditions = append(*conditions, c)
		return true
	}
	if old.Status != c.Status {
		old.Status = c.Status
		old.LastTransitionTime = c.LastTransitionTime
		if old.LastTransitionTime.IsZero() {
			old.LastTransitionTime = transitionNow()
		}
		changed = true
	}
	if old.Reason != c.Reason {
		old.Reason, changed = c.Reason, true
	}
	if old.Message != c.Message {
		old.Message, changed = c.Message, true
	}
	if old.ObservedGeneration != c.ObservedGeneration {
		old.ObservedGeneration, changed = c.ObservedGeneration, true
	}
	return changed
}

func transitionNow() Time { return Time{time.Now().Truncate(time.Second)} }

// RemoveStatusCondition removes the condition of type conditionType and
// reports whether there was one.
func RemoveStatusCondition(conditions *[]Condition, conditionType string) (removed bool) {
	if conditions == nil || len(*conditions) == 0 {
		return false
	}
	kept := (*conditions)[:0]
	for _, c := range *conditions {
		if c.Type != conditionType {
			kept = append(kept, c)
		}
	}
	removed = len(kept) != len(*conditions)
	*conditions = kept
	return removed
}

// FindStatusCondition returns the condition of type conditionType, a
// pointer into conditions, or nil when there is none.
func FindStatusCondition(conditions []Condition, conditionType string) *Condition {
	for i := range conditions {
		if conditions[i].Type == conditionType {
			return &conditions[i]
		}
	}
	return nil
}

// IsStatusConditionTrue reports whether the condition of type
// conditionType is present with status True.
func IsStatusConditionTrue(conditions []Condition, conditionType string) bool {
	return IsStatusConditionPresentAndEqual(conditions, conditionType, ConditionTrue)
}

// IsStatusConditionFalse reports whether the condition of type
// conditionType is present with status False.
func IsStatusConditionFalse(conditions []Condition, conditionType string) bool {
	return IsStatusConditionPresentAndEqual(conditions, conditionType, ConditionFalse)
}

// IsStatusConditionPresentAndEqual reports whether the condition of type
// conditionType is present with the given status.
func IsStatusConditionPresentAndEqual(conditions []Condition, conditionType string, status ConditionStatus) bool {
	c := FindStatusCondition(conditions, conditionType)
	return c != nil && c.Status == status
}
