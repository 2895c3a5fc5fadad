package rest

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/kubewire/kubewire/config"
	"github.com/kubewire/kubewire/internal/transport"
)

// newTransport builds the round tripper for cfg when no WithTransport option
// replaces it. The transport's configuration errors become *ConfigError.
func newTransport(cfg *config.Config, logger *slog.Logger, userAgent string) (http.RoundTripper, error) {
	rt, err := transport.New(cfg, transport.Options{Logger: logger, UserAgent: userAgent})
	if te, ok := errors.AsType[*transport.ConfigError](err); ok {
		return nil, &ConfigError{Field: te.Field, Path: te.Path, Err: te.Err}
	}
	return rt, err
}

// defaultUserAgent is sent when WithUserAgent names none.
func defaultUserAgent() string { return transport.DefaultUserAgent() }
