package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"hukou/domain"
	"hukou/domain/idcard"
	"hukou/storage"
)

// config is every setting of the server; see the README's table.
type config struct {
	DatabaseURL     string
	BlobURL         string
	ListenAddr      string
	OfficeCode      string
	JWTSecret       string
	JWTEd25519Key   string
	JWTIssuer       string
	AccessTokenTTL  time.Duration
	RefreshTokenTTL time.Duration
	StaticDir       string

	MinistryURL   string
	ProvinceURL   string
	PlatformURL   string
	ProductionURL string
	// FingerprintDeviceURL is the fingerprint device service on the clerks'
	// workstations (their loopback address), which the SPA calls.
	FingerprintDeviceURL string
	// IDReaderURL is the ID card reader service on the clerks'
	// workstations (读卡, issue 19), which the SPA calls; like the
	// fingerprint device's.
	IDReaderURL string
	// ForwardInterval is how often scheduled forwards are sent.
	ForwardInterval time.Duration
	// ProductionPollInterval is how often the production centre is asked
	// about the packages in production.
	ProductionPollInterval time.Duration
	IDPhotoMinBytes        int64
	IDPhotoMaxBytes        int64
	PlatformDB             string
	IntegrationTimeout     time.Duration
	CollabSigningKey       string
	CollabSigningKeyID     string
	CollabPeersFile        string
	CollabPeerKeys         string
	CollabRevokedKeys      string
	InboxPollInterval      time.Duration
	InboxWait              time.Duration
	JobTimeout             time.Duration
	RescueJobsAfter        time.Duration
	RunJobs                bool
	FontPath               string
	FallbackFontPath       string
	ArchiveMaxSize         int64
	// SealKeyDir is the file-based seal key store (5.1.1); SealsRequired
	// refuses documents of an office without an electronic household seal
	// (default: in production mode; --dev prints the drawn seal instead).
	SealKeyDir    string
	SealsRequired bool
	// BlobSweepGrace is how old an unreferenced blob must be before the
	// orphan sweeper deletes it; BlobSweepInterval how often it runs (0:
	// never).
	BlobSweepGrace    time.Duration
	BlobSweepInterval time.Duration
	// MetricsAddr is where /metrics listens, apart from the public address;
	// "off" disables it.
	MetricsAddr string
	// Dev is development mode (`--dev`, and always for `hukou demo`): the
	// in-process simulators, development collaboration keys and a random
	// JWT secret are allowed, and say so; GraphiQL and introspection are on.
	// Without it the server is in production mode.
	Dev bool

	// Query views (issue 15): REPLICA_DATABASE_URL, where they read; exports
	// of more than ExportBackgroundRows rows run in the background and can
	// be downloaded for ExportTTL.
	ReplicaURL           string
	ExportBackgroundRows int
	ExportTTL            time.Duration
}

func env(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

func envDuration(name string, def time.Duration) time.Duration {
	if v := os.Getenv(name); v != "" {
		if d, err := time.ParseDuration(v); err == nil {
			return d
		}
		slog.Warn("ignoring malformed duration", "var", name, "value", v)
	}
	return def
}

func envInt64(name string, def int64) int64 {
	if v := os.Getenv(name); v != "" {
		if n, err := strconv.ParseInt(v, 10, 64); err == nil {
			return n
		}
		slog.Warn("ignoring malformed number", "var", name, "value", v)
	}
	return def
}

// bind registers the config's flags on fs with environment defaults.
func (c *config) bind(fs *flag.FlagSet) {
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", storage.DefaultDSN), "postgres:// URL or SQLite file path")
	fs.StringVar(&c.ReplicaURL, "replica-database-url", env("REPLICA_DATABASE_URL", ""), "postgres:// URL of a read replica for query views' pages, counts and exports (optional; the primary when empty)")
	fs.IntVar(&c.ExportBackgroundRows, "export-background-rows", int(envInt64("EXPORT_BACKGROUND_ROWS", domain.DefaultExportThreshold)), "query exports of more rows run as background jobs, downloaded when ready")
	fs.DurationVar(&c.ExportTTL, "export-ttl", envDuration("EXPORT_TTL", domain.DefaultExportTTL), "how long a background export can be downloaded")
	fs.StringVar(&c.BlobURL, "blob-url", env("BLOB_URL", "./data/blobs"), "folder path, file:///abs or s3://bucket?endpoint=…")
	fs.StringVar(&c.ListenAddr, "listen", env("LISTEN_ADDR", "127.0.0.1:8080"), "HTTP listen address")
	fs.StringVar(&c.OfficeCode, "office-code", env("OFFICE_CODE", "211100000000"), "this deployment's city bureau office code")
	fs.StringVar(&c.JWTSecret, "jwt-secret", env("JWT_SECRET", ""), "HS256 secret (≥ 32 bytes); random per start when empty")
	fs.StringVar(&c.JWTEd25519Key, "jwt-ed25519-key", env("JWT_ED25519_KEY", ""), "base64 Ed25519 seed (32 bytes); selects EdDSA")
	fs.StringVar(&c.JWTIssuer, "jwt-issuer", env("JWT_ISSUER", "hukou"), "issuer claim")
	fs.DurationVar(&c.AccessTokenTTL, "access-token-ttl", envDuration("ACCESS_TOKEN_TTL", 15*time.Minute), "access token lifetime")
	fs.DurationVar(&c.RefreshTokenTTL, "refresh-token-ttl", envDuration("REFRESH_TOKEN_TTL", 12*time.Hour), "refresh token lifetime")
	fs.StringVar(&c.StaticDir, "static-dir", env("STATIC_DIR", "./frontend/dist"), "built SPA served at /")
	fs.StringVar(&c.MinistryURL, "ministry-url", env("MINISTRY_URL", ""), "Ministry service; empty starts the simulator in process")
	fs.StringVar(&c.ProvinceURL, "province-url", env("PROVINCE_URL", ""), "provincial department service; empty starts the simulator in process")
	fs.StringVar(&c.PlatformURL, "platform-url", env("PLATFORM_URL", ""), "collaboration platform; empty starts the simulator in process")
	fs.StringVar(&c.ProductionURL, "production-url", env("PRODUCTION_URL", ""), "ID card production centre; empty starts the simulator in process (--dev)")
	fs.StringVar(&c.FingerprintDeviceURL, "fingerprint-device-url", env("FINGERPRINT_DEVICE_URL", ""),
		"the fingerprint device service on the clerks' workstations, which the SPA calls; empty starts the simulator in process (--dev)")
	fs.StringVar(&c.IDReaderURL, "id-reader-url", env("ID_READER_URL", ""),
		"the ID card reader service on the clerks' workstations (读卡), which the SPA calls; empty starts the simulator in process (--dev)")
	fs.DurationVar(&c.ForwardInterval, "forward-interval", envDuration("FORWARD_INTERVAL", time.Minute), "how often saved feedback and collection records are forwarded")
	fs.DurationVar(&c.ProductionPollInterval, "production-poll-interval", envDuration("PRODUCTION_POLL_INTERVAL", 30*time.Second), "how often the production centre is asked for feedback")
	fs.Int64Var(&c.IDPhotoMinBytes, "id-photo-min-bytes", envInt64("ID_PHOTO_MIN_BYTES", 10<<10), "smallest ID card photo file in bytes (GA 461 photo rules)")
	fs.Int64Var(&c.IDPhotoMaxBytes, "id-photo-max-bytes", envInt64("ID_PHOTO_MAX_BYTES", 80<<10), "largest ID card photo file in bytes (GA 461 photo rules)")
	fs.StringVar(&c.PlatformDB, "platform-db", env("PLATFORM_DB", "./data/platform.db"), "SQLite file of the in-process platform simulator")
	fs.DurationVar(&c.IntegrationTimeout, "integration-timeout", envDuration("INTEGRATION_TIMEOUT", 5*time.Second), "timeout of one call to an external service")
	fs.StringVar(&c.CollabSigningKey, "collab-signing-key", env("COLLAB_SIGNING_KEY", ""), "base64 Ed25519 seed that signs outgoing messages (required unless --dev, which uses the office's development key)")
	fs.StringVar(&c.CollabSigningKeyID, "collab-signing-key-id", env("COLLAB_SIGNING_KEY_ID", ""), "key ID of the signing key (default: office code and a digest of the public key)")
	fs.StringVar(&c.CollabPeersFile, "collab-peers-file", env("COLLAB_PEERS_FILE", ""), "JSON peer directory: keys bound to office prefixes, validity windows, revoked key IDs")
	fs.StringVar(&c.CollabPeerKeys, "collab-peer-keys", env("COLLAB_PEER_KEYS", ""), "trusted peers: keyID=base64(public key)=prefix[+prefix…],…")
	fs.StringVar(&c.CollabRevokedKeys, "collab-revoked-keys", env("COLLAB_REVOKED_KEYS", ""), "revoked key IDs, refused wherever listed: id,…")
	fs.DurationVar(&c.InboxPollInterval, "inbox-poll-interval", envDuration("INBOX_POLL_INTERVAL", 2*time.Second), "how often the platform inbox is pulled (the fallback of the long poll)")
	fs.DurationVar(&c.InboxWait, "inbox-wait", envDuration("INBOX_WAIT", 20*time.Second), "how long one long poll of the platform inbox may be held (0: poll only)")
	fs.StringVar(&c.FontPath, "font", env("FONT_PATH", ""), "TrueType font for documents (default: LXGW WenKai from fonts-lxgw-wenkai)")
	fs.StringVar(&c.FallbackFontPath, "fallback-font", env("FALLBACK_FONT_PATH", ""), "second TrueType font for characters the first lacks")
	fs.Int64Var(&c.ArchiveMaxSize, "archive-max-size", envInt64("ARCHIVE_MAX_SIZE", 10<<20), "largest archive image in bytes (1.4.9)")
	fs.DurationVar(&c.BlobSweepGrace, "blob-sweep-grace", envDuration("BLOB_SWEEP_GRACE", domain.DefaultBlobSweepGrace), "delete a blob no row refers to once it is this old (at least 1m)")
	fs.DurationVar(&c.BlobSweepInterval, "blob-sweep-interval", envDuration("BLOB_SWEEP_INTERVAL", time.Hour), "how often orphan blobs are swept; 0 never")
	fs.BoolVar(&c.RunJobs, "run-jobs", env("RUN_JOBS", "true") != "false", "work background jobs here (false: an API-only instance; jobs run on the others)")
	fs.DurationVar(&c.JobTimeout, "job-timeout", envDuration("JOB_TIMEOUT", time.Minute), "longest run of one background job attempt")
	fs.StringVar(&c.MetricsAddr, "metrics-addr", env("METRICS_ADDR", defaultMetricsAddr), "listen address of /metrics, apart from the public one; off disables it")
	fs.BoolVar(&c.Dev, "dev", env("HUKOU_DEV", "") == "true", "development mode: simulators in process, development keys, GraphiQL (hukou demo implies it)")
	fs.StringVar(&c.SealKeyDir, "seal-key-dir", env("SEAL_KEY_DIR", ""), "folder of the electronic seals' private keys, never in the database (default: seal-keys beside a SQLite database, else ./data/seal-keys)")
	fs.BoolVar(&c.SealsRequired, "seals-required", env("SEALS_REQUIRED", "") == "true", "refuse documents of an office without an electronic household seal (always in production mode)")
	fs.DurationVar(&c.RescueJobsAfter, "rescue-jobs-after", envDuration("RESCUE_JOBS_AFTER", 5*time.Minute), "retry a job left running by a dead process after this long")
}

// defaultMetricsAddr keeps /metrics on the loopback interface: Prometheus
// scrapes it locally or through a tunnel, never through the public listener.
const defaultMetricsAddr = "127.0.0.1:9091"

// tokenKeys returns the HS256 secret or Ed25519 key the config names. With
// neither, it makes a random secret: fine for one dev instance, and loud
// about it, since tokens then die with the process.
func (c *config) tokenKeys() ([]byte, ed25519.PrivateKey, error) {
	if c.JWTEd25519Key != "" {
		seed, err := base64.StdEncoding.DecodeString(c.JWTEd25519Key)
		if err != nil || len(seed) != ed25519.SeedSize {
			return nil, nil, fmt.Errorf("JWT_ED25519_KEY must be a base64 32-byte seed")
		}
		return nil, ed25519.NewKeyFromSeed(seed), nil
	}
	if c.JWTSecret != "" {
		if len(c.JWTSecret) < 32 {
			return nil, nil, fmt.Errorf("JWT_SECRET must have at least 32 bytes")
		}
		return []byte(c.JWTSecret), nil, nil
	}
	slog.Warn("JWT_SECRET is not set: using a random secret; tokens are invalid after a restart and across instances")
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	return secret, nil, nil
}

// idPhotoRules are the GA 461 photo rules with the configured file size
// bounds.
func (c *config) idPhotoRules() idcard.PhotoRules {
	r := idcard.DefaultPhotoRules
	r.MinBytes, r.MaxBytes = int(c.IDPhotoMinBytes), int(c.IDPhotoMaxBytes)
	return r
}

// sealKeyDir is the seal key store's folder: SealKeyDir, else seal-keys
// in the SQLite database's folder (./data/seal-keys for the default
// database), else ./data/seal-keys.
func (c *config) sealKeyDir() string {
	if c.SealKeyDir != "" {
		return c.SealKeyDir
	}
	if c.DatabaseURL != "" && !storage.IsPostgres(c.DatabaseURL) {
		path := strings.TrimPrefix(c.DatabaseURL, "file:")
		if i := strings.IndexByte(path, '?'); i >= 0 {
			path = path[:i]
		}
		return filepath.Join(filepath.Dir(path), "seal-keys")
	}
	return filepath.Join(".", "data", "seal-keys")
}
