//go:build kubewire_stubtransport

package rest

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/kubewire/kubewire/config"
)

func newTransport(cfg *config.Config, logger *slog.Logger, userAgent string) (http.RoundTripper, error) {
	return nil, errors.New("stub transport")
}

func defaultUserAgent() string { return "kubewire/dev" }
