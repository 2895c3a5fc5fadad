package apiextensionsv1_test

import (
	"reflect"
	"testing"

	"github.com/kubewire/kubewire/api/apiextensionsv1"
	"github.com/kubewire/kubewire/internal/fixtures"
)

// The hand-written one-of-two schema types copy like the generated ones,
// whichever variant they hold.
func TestUnionDeepCopy(t *testing.T) {
	fixtures.CheckDeepCopy(t, &apiextensionsv1.JSONSchemaPropsOrArray{}, &apiextensionsv1.JSONSchemaPropsOrBool{},
		&apiextensionsv1.JSONSchemaPropsOrStringArray{})
	for _, v := range []any{
		&apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{Type: "string", Enum: []apiextensionsv1.JSON{[]byte(`"a"`)}}},
		&apiextensionsv1.JSONSchemaPropsOrBool{Allows: true, Schema: &apiextensionsv1.JSONSchemaProps{Required: []string{"x"}}},
		&apiextensionsv1.JSONSchemaPropsOrStringArray{Schema: &apiextensionsv1.JSONSchemaProps{Type: "object"}},
		&apiextensionsv1.JSONSchemaPropsOrStringArray{Property: []string{"a", "b"}},
	} {
		cp := reflect.ValueOf(v).MethodByName("DeepCopy").Call(nil)[0].Interface()
		if !reflect.DeepEqual(v, cp) {
			t.Errorf("%T: the copy differs", v)
		}
		if s := fixtures.SharedMemory(v, cp); len(s) > 0 {
			t.Errorf("%T: the copy shares memory at %v", v, s)
		}
	}
}
