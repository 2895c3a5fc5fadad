package modcheck

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// Constructors of the public packages take their required inputs as
// arguments and everything else as functional options (`opts ...Option`),
// as rest.New does; plain option structs are for per-call settings
// (metav1.ListOptions, podstream.ExecOptions). Failed before the change:
// controller.NewInformer, workqueue.New, leaderelection.New and
// podstream.NewForwarder took option structs, and dynamic.Applier was
// configured by setting its fields after NewApplier.
func TestConstructorsTakeFunctionalOptions(t *testing.T) {
	root := filepath.Join("..", "..")
	fset := token.NewFileSet()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			switch {
			case rel == ".":
				return nil
			case strings.HasPrefix(d.Name(), "."), rel == "internal", rel == "api", rel == "bench", rel == "examples", d.Name() == "testdata":
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.HasPrefix(d.Name(), "zz_generated") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !fn.Name.IsExported() || !isConstructor(fn.Name.Name) {
				continue
			}
			checked++
			for _, p := range fn.Type.Params.List {
				name := typeName(p.Type)
				if _, variadic := p.Type.(*ast.Ellipsis); variadic {
					continue
				}
				if name == "config.Config" {
					continue // the connection settings rest.New is given: data, not options
				}
				if strings.HasSuffix(name, "Options") || strings.HasSuffix(name, "Config") || strings.HasSuffix(name, "Settings") {
					t.Errorf("%s: %s takes a %s: constructors take functional options", rel, fn.Name.Name, name)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 8 {
		t.Fatalf("checked only %d constructors: the walk is broken", checked)
	}
}

func isConstructor(name string) bool {
	return strings.HasPrefix(name, "New") || strings.HasPrefix(name, "Shared")
}

// typeName spells a parameter's type without pointers and type arguments.
func typeName(e ast.Expr) string {
	switch x := e.(type) {
	case *ast.StarExpr:
		return typeName(x.X)
	case *ast.SelectorExpr:
		return typeName(x.X) + "." + x.Sel.Name
	case *ast.Ident:
		return x.Name
	case *ast.IndexExpr:
		return typeName(x.X)
	case *ast.IndexListExpr:
		return typeName(x.X)
	}
	return ""
}
