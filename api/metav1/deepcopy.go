package metav1

import "github.com/kubewire/kubewire/internal/deepcopy"

// Deep copies of the hand-written types; the generated types have theirs in
// zz_generated_deepcopy.go. Time, MicroTime, Quantity and IntOrString hold
// no memory a copy could write to, so assignment copies them.

// DeepCopyInto copies in into out.
func (in *Time) DeepCopyInto(out *Time) { *out = *in }

// DeepCopy returns a copy of in, nil for nil.
func (in *Time) DeepCopy() *Time { return deepcopy.Ptr(in) }

// DeepCopyInto copies in into out.
func (in *MicroTime) DeepCopyInto(out *MicroTime) { *out = *in }

// DeepCopy returns a copy of in, nil for nil.
func (in *MicroTime) DeepCopy() *MicroTime { return deepcopy.Ptr(in) }

// DeepCopyInto copies in into out.
func (in *Quantity) DeepCopyInto(out *Quantity) { *out = *in }

// DeepCopy returns a copy of in, nil for nil.
func (in *Quantity) DeepCopy() *Quantity { return deepcopy.Ptr(in) }

// DeepCopyInto copies in into out.
func (in *IntOrString) DeepCopyInto(out *IntOrString) { *out = *in }

// DeepCopy returns a copy of in, nil for nil.
func (in *IntOrString) DeepCopy() *IntOrString { return deepcopy.Ptr(in) }

// DeepCopyInto sets out to a copy of in's bytes: nil for nil, empty for
// empty.
func (in RawJSON) DeepCopyInto(out *RawJSON) { *out = deepcopy.Slice(in) }

// DeepCopy returns a copy of in's bytes: nil for nil, empty for empty.
// Decoders may share the bytes of equal raw values between objects; a copy
// is always the caller's own.
func (in RawJSON) DeepCopy() RawJSON { return deepcopy.Slice(in) }

// DeepCopyInto copies in into out, which then shares no memory with in.
func (in *ListOptions) DeepCopyInto(out *ListOptions) {
	*out = *in
	out.SendInitialEvents = deepcopy.Ptr(in.SendInitialEvents)
}

// DeepCopy returns a copy of in that shares no memory with it, nil for nil.
func (in *ListOptions) DeepCopy() *ListOptions { return deepcopy.New(in, (*ListOptions).DeepCopyInto) }

// DeepCopyInto copies in into out.
func (in *GetOptions) DeepCopyInto(out *GetOptions) { *out = *in }

// DeepCopy returns a copy of in, nil for nil.
func (in *GetOptions) DeepCopy() *GetOptions { return deepcopy.Ptr(in) }

// DeepCopyInto copies in into out.
func (in *WriteOptions) DeepCopyInto(out *WriteOptions) { *out = *in }

// DeepCopy returns a copy of in, nil for nil.
func (in *WriteOptions) DeepCopy() *WriteOptions { return deepcopy.Ptr(in) }

// DeepCopyInto copies in into out.
func (in *PatchOptions) DeepCopyInto(out *PatchOptions) { *out = *in }

// DeepCopy returns a copy of in, nil for nil.
func (in *PatchOptions) DeepCopy() *PatchOptions { return deepcopy.Ptr(in) }

// DeepCopyInto copies in into out.
// The copy's Explicit is a slice of its own holding the same pointers: they
// name fields of the applied object, not memory of the options.
func (in *ApplyOptions) DeepCopyInto(out *ApplyOptions) {
	*out = *in
	if in.Explicit != nil {
		out.Explicit = append(make([]any, 0, len(in.Explicit)), in.Explicit...)
	}
}

// DeepCopy returns a copy of in, nil for nil.
func (in *ApplyOptions) DeepCopy() *ApplyOptions {
	return deepcopy.New(in, (*ApplyOptions).DeepCopyInto)
}
