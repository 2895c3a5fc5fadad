package metav1

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestSetStatusCondition(t *testing.T) {
	t0 := NewTime(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	t1 := NewTime(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	base := Condition{Type: "Ready", Status: ConditionFalse, Reason: "Starting", Message: "m", ObservedGeneration: 1, LastTransitionTime: t0}
	tests := []struct {
		name        string
		set         Condition
		wantChanged bool
		want        Condition
	}{
		{"same", base, false, base},
		{"status changes, time given", Condition{Type: "Ready", Status: ConditionTrue, Reason: "Starting", Message: "m", ObservedGeneration: 1, LastTransitionTime: t1},
			true, Condition{Type: "Ready", Status: ConditionTrue, Reason: "Starting", Message: "m", ObservedGeneration: 1, LastTransitionTime: t1}},
		{"reason only keeps the time", Condition{Type: "Ready", Status: ConditionFalse, Reason: "Other", Message: "m", ObservedGeneration: 1, LastTransitionTime: t1},
			true, Condition{Type: "Ready", Status: ConditionFalse, Reason: "Other", Message: "m", ObservedGeneration: 1, LastTransitionTime: t0}},
		{"message only", Condition{Type: "Ready", Status: ConditionFalse, Reason: "Starting", Message: "n", ObservedGeneration: 1},
			true, Condition{Type: "Ready", Status: ConditionFalse, Reason: "Starting", Message: "n", ObservedGeneration: 1, LastTransitionTime: t0}},
		{"observedGeneration only", Condition{Type: "Ready", Status: ConditionFalse, Reason: "Starting", Message: "m", ObservedGeneration: 2},
			true, Condition{Type: "Ready", Status: ConditionFalse, Reason: "Starting", Message: "m", ObservedGeneration: 2, LastTransitionTime: t0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conds := []Condition{{Type: "Other", Status: ConditionTrue}, base}
			assert.Equal(t, tt.wantChanged, SetStatusCondition(&conds, tt.set))
			require.Len(t, conds, 2)
			assert.Equal(t, tt.want, conds[1])
			assert.Equal(t, Condition{Type: "Other", Status: ConditionTrue}, conds[0])
		})
	}

	t.Run("status changes, no time: now", func(t *testing.T) {
		conds := []Condition{base}
		before := time.Now().Truncate(time.Second)
		assert.True(t, SetStatusCondition(&conds, Condition{Type: "Ready", Status: ConditionTrue, Reason: "Starting", Message: "m", ObservedGeneration: 1}))
		got := conds[0].LastTransitionTime.Time
		assert.False(t, got.Before(before))
		assert.Equal(t, got, got.Truncate(time.Second))
	})
	t.Run("new condition", func(t *testing.T) {
		var conds []Condition
		assert.True(t, SetStatusCondition(&conds, Condition{Type: "A", Status: ConditionUnknown, Reason: "R"}))
		require.Len(t, conds, 1)
		assert.False(t, conds[0].LastTransitionTime.IsZero())
		assert.True(t, SetStatusCondition(&conds, Condition{Type: "B", Status: ConditionTrue, Reason: "R", LastTransitionTime: t0}))
		assert.Equal(t, t0, conds[1].LastTransitionTime)
	})
	assert.False(t, SetStatusCondition(nil, base))
}

func TestFindRemoveIsCondition(t *testing.T) {
	conds := []Condition{{Type: "Ready", Status: ConditionTrue}, {Type: "Progressing", Status: ConditionFalse}, {Type: "Degraded", Status: ConditionUnknown}}
	require.NotNil(t, FindStatusCondition(conds, "Progressing"))
	assert.Equal(t, ConditionFalse, FindStatusCondition(conds, "Progressing").Status)
	assert.Nil(t, FindStatusCondition(conds, "Missing"))
	FindStatusCondition(conds, "Ready").Reason = "Set"
	assert.Equal(t, "Set", conds[0].Reason, "a pointer into the slice")

	tests := []struct {
		typ                  string
		isTrue, isFalse, unk bool
	}{
		{"Ready", true, false, false},
		{"Progressing", false, true, false},
		{"Degraded", false, false, true},
		{"Missing", false, false, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.isTrue, IsStatusConditionTrue(conds, tt.typ), tt.typ)
		assert.Equal(t, tt.isFalse, IsStatusConditionFalse(conds, tt.typ), tt.typ)
		assert.Equal(t, tt.unk, IsStatusConditionPresentAndEqual(conds, tt.typ, ConditionUnknown), tt.typ)
	}

	assert.True(t, RemoveStatusCondition(&conds, "Progressing"))
	assert.Equal(t, []string{"Ready", "Degraded"}, []string{conds[0].Type, conds[1].Type})
	assert.False(t, RemoveStatusCondition(&conds, "Progressing"))
	assert.False(t, RemoveStatusCondition(nil, "Ready"))
	assert.Len(t, conds, 2)
}
