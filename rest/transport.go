package rest

import (
	"log/slog"
	"net/http"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/transport"
)

// newTransport builds the round tripper for cfg when no WithTransport option
// replaces it.
func newTransport(cfg *config.Config, logger *slog.Logger, userAgent string) (http.RoundTripper, error) {
	return transport.New(cfg, transport.Options{Logger: logger, UserAgent: userAgent})
}

// defaultUserAgent is sent when neither WithUserAgent nor cfg.UserAgent names
// one.
func defaultUserAgent() string { return transport.DefaultUserAgent() }
