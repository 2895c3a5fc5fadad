// Command rbac walks through role-based access control with kubewire, as
// the Kubernetes RBAC documentation does with kubectl: a service account
// without permissions is refused, is granted the built-in "view" role, and
// then succeeds.
//
// Usage:
//
//	rbac [-kubeconfig FILE] [-context NAME] ...
//
// The kubeconfig (kubectl's connection flags) must be an administrator's:
// the program, as that administrator,
//
//  1. creates a namespace and a service account "reader" in it,
//  2. asks for a short-lived token of the service account (the
//     serviceaccounts/token subresource, a TokenRequest),
//  3. as the service account, lists services in kube-system: Forbidden,
//  4. binds the service account to the ClusterRole "view" with a
//     ClusterRoleBinding,
//  5. as the service account, lists the services again: allowed,
//  6. deletes the binding and the namespace.
//
// The token is used, never printed. An unexpected error from the server is
// printed as "Error from server (REASON): MESSAGE" and the exit status is 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"time"

	"github.com/kubewire/kubewire/api/authenticationv1"
	"github.com/kubewire/kubewire/api/corev1"
	"github.com/kubewire/kubewire/api/metav1"
	"github.com/kubewire/kubewire/api/rbacv1"
	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/rest"
	"github.com/kubewire/kubewire/typed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is the whole program; it returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("rbac", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts config.Options
	opts.BindFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	if err := demo(ctx, opts, stdout); err != nil {
		if reason := rest.ReasonForError(err); reason != "" {
			fmt.Fprintf(stderr, "Error from server (%s): %v\n", reason, err)
		} else {
			fmt.Fprintf(stderr, "error: %v\n", err)
		}
		return 1
	}
	return 0
}

func demo(ctx context.Context, opts config.Options, out io.Writer) error {
	cfg, err := config.Load(opts)
	if err != nil {
		return err
	}
	admin, err := rest.New(cfg)
	if err != nil {
		return err
	}

	// 1. A namespace and a service account with no permissions.
	ns, err := typed.For[corev1.Namespace, corev1.NamespaceList](admin, "").Create(ctx, &corev1.Namespace{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "kubewire-rbac-"},
	}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	defer cleanup(out, "namespace", ns.Name, typed.For[corev1.Namespace, corev1.NamespaceList](admin, "").Delete)
	sa, err := typed.For[corev1.ServiceAccount, corev1.ServiceAccountList](admin, ns.Name).Create(ctx, &corev1.ServiceAccount{
		ObjectMeta: metav1.ObjectMeta{Name: "reader"},
	}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	user := "system:serviceaccount:" + ns.Name + ":" + sa.Name
	fmt.Fprintf(out, "Created service account %s\n", user)

	// 2. A token for it, valid for ten minutes.
	expiry := int64(600)
	var tr authenticationv1.TokenRequest
	err = typed.For[corev1.ServiceAccount, corev1.ServiceAccountList](admin, ns.Name).CreateSubresource(ctx, sa.Name, "token",
		&authenticationv1.TokenRequest{Spec: authenticationv1.TokenRequestSpec{ExpirationSeconds: &expiry}},
		&tr, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	reader, err := rest.New(&config.Config{
		Server: cfg.Server,
		TLS:    config.TLS{CAFile: cfg.TLS.CAFile, CAData: cfg.TLS.CAData, ServerName: cfg.TLS.ServerName, Insecure: cfg.TLS.Insecure},
		Auth:   config.Auth{Token: config.Secret(tr.Status.Token)},
	})
	if err != nil {
		return err
	}
	services := typed.For[corev1.Service, corev1.ServiceList](reader, "kube-system")

	// 3. Without a binding, the service account may not list services.
	_, err = services.List(ctx, metav1.ListOptions{})
	if !rest.IsForbidden(err) {
		return fmt.Errorf("listing services without a binding: want Forbidden, got %v", err)
	}
	fmt.Fprintf(out, "Listing services in kube-system as %s: Error from server (Forbidden): %v\n", user, err)

	// 4. Grant it the built-in read-only role.
	crb, err := typed.For[rbacv1.ClusterRoleBinding, rbacv1.ClusterRoleBindingList](admin, "").Create(ctx, &rbacv1.ClusterRoleBinding{
		ObjectMeta: metav1.ObjectMeta{GenerateName: "kubewire-rbac-view-"},
		RoleRef:    rbacv1.RoleRef{APIGroup: "rbac.authorization.k8s.io", Kind: "ClusterRole", Name: "view"},
		Subjects:   []rbacv1.Subject{{Kind: "ServiceAccount", Name: sa.Name, Namespace: ns.Name}},
	}, metav1.CreateOptions{})
	if err != nil {
		return err
	}
	defer cleanup(out, "clusterrolebinding", crb.Name, typed.For[rbacv1.ClusterRoleBinding, rbacv1.ClusterRoleBindingList](admin, "").Delete)
	fmt.Fprintf(out, "Created clusterrolebinding %s: %s is bound to ClusterRole view\n", crb.Name, user)

	// 5. The same list now succeeds. The server's authorizer learns of the
	// binding from a watch, so the first tries may still be refused.
	list, err := listUntilAllowed(ctx, services)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Listing services in kube-system as %s: %d services\n", user, len(list.Items))
	return nil
}

// listUntilAllowed lists services, retrying for up to ten seconds while the
// answer is Forbidden.
func listUntilAllowed(ctx context.Context, services typed.Interface[corev1.Service, corev1.ServiceList]) (*corev1.ServiceList, error) {
	deadline := time.Now().Add(10 * time.Second)
	for {
		list, err := services.List(ctx, metav1.ListOptions{})
		if err == nil || !rest.IsForbidden(err) || time.Now().After(deadline) {
			return list, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// cleanup deletes an object the demo created (step 6), with a context of
// its own so that it runs even when the demo's has expired.
func cleanup(out io.Writer, kind, name string, del func(context.Context, string, metav1.DeleteOptions) error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := del(ctx, name, metav1.DeleteOptions{}); err != nil {
		fmt.Fprintf(out, "Deleting %s %s: %v\n", kind, name, err)
		return
	}
	fmt.Fprintf(out, "Deleted %s %s\n", kind, name)
}
