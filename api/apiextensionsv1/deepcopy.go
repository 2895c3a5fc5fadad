package apiextensionsv1

import "github.com/kubewire/kubewire/internal/deepcopy"

// Deep copies of the hand-written one-of-two schema types; the generated
// types have theirs in zz_generated_deepcopy.go.

// DeepCopyInto copies in into out, which then shares no memory with in.
func (in *JSONSchemaPropsOrArray) DeepCopyInto(out *JSONSchemaPropsOrArray) {
	*out = *in
	out.Schema = in.Schema.DeepCopy()
	out.JSONSchemas = deepcopy.Structs(in.JSONSchemas)
}

// DeepCopy returns a copy of in that shares no memory with it, nil for nil.
func (in *JSONSchemaPropsOrArray) DeepCopy() *JSONSchemaPropsOrArray {
	return deepcopy.New(in, (*JSONSchemaPropsOrArray).DeepCopyInto)
}

// DeepCopyInto copies in into out, which then shares no memory with in.
func (in *JSONSchemaPropsOrBool) DeepCopyInto(out *JSONSchemaPropsOrBool) {
	*out = *in
	out.Schema = in.Schema.DeepCopy()
}

// DeepCopy returns a copy of in that shares no memory with it, nil for nil.
func (in *JSONSchemaPropsOrBool) DeepCopy() *JSONSchemaPropsOrBool {
	return deepcopy.New(in, (*JSONSchemaPropsOrBool).DeepCopyInto)
}

// DeepCopyInto copies in into out, which then shares no memory with in.
func (in *JSONSchemaPropsOrStringArray) DeepCopyInto(out *JSONSchemaPropsOrStringArray) {
	*out = *in
	out.Schema = in.Schema.DeepCopy()
	out.Property = deepcopy.Slice(in.Property)
}

// DeepCopy returns a copy of in that shares no memory with it, nil for nil.
func (in *JSONSchemaPropsOrStringArray) DeepCopy() *JSONSchemaPropsOrStringArray {
	return deepcopy.New(in, (*JSONSchemaPropsOrStringArray).DeepCopyInto)
}
