// Package productionsim simulates the resident ID card production centre
// behind the contract of package production (../openapi.yaml), for tests,
// `hukou simulate` and `hukou demo`.
//
// It accepts a package once its manifest matches its parts (each SHA-256
// and the digest; else 400 production.checksum), keeps it in memory, and
// decides its fate at once, revealing it after Config.Delay (until then the
// package is IN_PRODUCTION):
//
//   - a scripted anomaly for the card's ID number, if one is queued
//     (/admin/script or Script): quality feedback of the scripted class;
//   - the data: name, address and dates present, the address short enough
//     for the card (DATA);
//   - the photo: the GA 461 rules (idcard.CheckPhoto with the default rules;
//     PHOTO, the rule's reason as code);
//   - each captured finger: a readable ISO/IEC 19794-2 record of its
//     position, and an image consistent with it — of its size and, when
//     the device wrote one, carrying its digest (fingerprint.DigestOf;
//     FINGERPRINT, code template_image_mismatch);
//   - otherwise COMPLETED, with a card number.
//
// Uploads are idempotent by package ID (the same package again answers the
// same receipt; other content under a used ID is 409 production.package_changed).
// Faults per endpoint (production.Endpoint*) through /admin/faults.
package productionsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"hukou/domain"
	"hukou/domain/idcard"
	"hukou/integrations/devicesim"
	"hukou/integrations/fault"
	"hukou/integrations/fingerprint"
	"hukou/integrations/httpclient"
	"hukou/integrations/production"
)

// DefaultDelay is how long a package stays in production when Config.Delay
// is zero.
const DefaultDelay = 3 * time.Second

// MaxAddress is the longest address (in characters) the card prints.
const MaxAddress = 70

// Script is a scripted quality feedback for the next package of a person.
type Script struct {
	IDNumber    string `json:"idNumber"`
	Class       string `json:"class"`
	Code        string `json:"code"`
	Description string `json:"description"`
}

// Config configures a Simulator.
type Config struct {
	Faults *fault.Injector
	Now    func() time.Time
	// Delay is how long a package is in production before its feedback.
	Delay time.Duration
}

// Simulator is the simulated production centre; safe for concurrent use.
type Simulator struct {
	cfg     Config
	handler http.Handler

	mu       sync.Mutex
	packages map[string]*pkg
	scripts  []Script
	cards    int
}

type pkg struct {
	digest   string
	idNumber string
	received time.Time
	feedback *production.Feedback // nil: completed
	card     string
}

// New returns a simulator without packages.
func New(cfg Config) *Simulator {
	if cfg.Faults == nil {
		cfg.Faults = fault.New(1)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Delay == 0 {
		cfg.Delay = DefaultDelay
	}
	s := &Simulator{cfg: cfg, packages: map[string]*pkg{}}
	mux := devicesim.Mux(production.OpenAPISpec, cfg.Faults)
	mux.Handle("POST /v1/packages", cfg.Faults.Wrap(production.EndpointUpload, http.HandlerFunc(s.upload)))
	mux.Handle("GET /v1/packages/{packageId}", cfg.Faults.Wrap(production.EndpointStatus, http.HandlerFunc(s.status)))
	mux.HandleFunc("PUT /admin/script", s.putScript)
	mux.HandleFunc("DELETE /admin/script", func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		s.scripts = nil
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	})
	s.handler = mux
	return s
}

// ServeHTTP implements http.Handler.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults returns the fault injector.
func (s *Simulator) Faults() *fault.Injector { return s.cfg.Faults }

// Script queues scripted feedback.
func (s *Simulator) Script(scripts ...Script) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scripts = append(s.scripts, scripts...)
}

// Packages returns how many packages the centre holds.
func (s *Simulator) Packages() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.packages)
}

func (s *Simulator) putScript(w http.ResponseWriter, r *http.Request) {
	var scripts []Script
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16)).Decode(&scripts); err != nil {
		writeErr(w, domain.FieldErrorf("body", "want a JSON list of scripted feedback: %v", err))
		return
	}
	for _, sc := range scripts {
		if sc.IDNumber == "" || (sc.Class != idcard.ClassData && sc.Class != idcard.ClassPhoto && sc.Class != idcard.ClassFingerprint) || sc.Description == "" {
			writeErr(w, domain.FieldErrorf("body", "a script needs idNumber, class (DATA, PHOTO, FINGERPRINT) and description"))
			return
		}
	}
	s.Script(scripts...)
	w.WriteHeader(http.StatusNoContent)
}

func writeErr(w http.ResponseWriter, err error) {
	var de *domain.Error
	if !errors.As(err, &de) {
		de = domain.Errorf(domain.CodeInternal, "internal error")
	}
	status := http.StatusInternalServerError
	switch de.Code {
	case domain.CodeInvalid:
		status = http.StatusBadRequest
	case domain.CodeConflict:
		status = http.StatusConflict
	case domain.CodeNotFound:
		status = http.StatusNotFound
	case domain.CodeUnavailable:
		status = http.StatusServiceUnavailable
	}
	httpclient.WriteError(w, status, httpclient.ErrorBody{Code: string(de.Code), Message: de.Message, Field: de.Field, Reason: de.Reason})
}

func (s *Simulator) upload(w http.ResponseWriter, r *http.Request) {
	var in production.Package
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		writeErr(w, domain.FieldErrorf("body", "the request is not a package: %v", err).WithReason("production.body"))
		return
	}
	if key := r.Header.Get("Idempotency-Key"); key != "" && key != in.PackageID {
		writeErr(w, domain.FieldErrorf("Idempotency-Key", "the Idempotency-Key header must equal packageId").WithReason("production.idempotency_key"))
		return
	}
	if err := checksums(&in); err != nil {
		writeErr(w, err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if p, ok := s.packages[in.PackageID]; ok {
		if p.digest != in.Digest {
			writeErr(w, domain.Errorf(domain.CodeConflict, "package %s was received before with other content; upload a changed package under the next ID", in.PackageID).WithReason("production.package_changed"))
			return
		}
		httpclient.WriteJSON(w, production.Receipt{PackageID: in.PackageID, ReceivedAt: p.received, State: s.state(p)})
		return
	}
	p := &pkg{digest: in.Digest, idNumber: in.Card.IDNumber, received: s.cfg.Now().UTC().Truncate(time.Millisecond)}
	p.feedback = s.inspect(&in)
	if p.feedback == nil {
		s.cards++
		p.card = fmt.Sprintf("%s%s%06d", in.AcceptanceOffice[:6], p.received.Format("20060102"), s.cards)
	}
	s.packages[in.PackageID] = p
	httpclient.WriteJSON(w, production.Receipt{PackageID: in.PackageID, ReceivedAt: p.received, State: s.state(p)})
}

// checksums refuses a package whose manifest does not match its parts.
func checksums(in *production.Package) error {
	want, digest := idcard.Manifest(in.ToDomain())
	if len(want) != len(in.Manifest) || digest != in.Digest {
		return domain.FieldErrorf("manifest", "the package's manifest does not match its parts (digest %s, computed %s)", in.Digest, digest).WithReason("production.checksum")
	}
	for i, e := range want {
		if got := in.Manifest[i]; got.Part != e.Part || got.SHA256 != e.SHA256 || got.Size != e.Size {
			return domain.FieldErrorf("manifest", "the checksum of part %s does not match", e.Part).WithReason("production.checksum")
		}
	}
	return nil
}

// inspect decides the package's quality feedback, or nil to produce it.
// s.mu is held.
func (s *Simulator) inspect(in *production.Package) *production.Feedback {
	for i, sc := range s.scripts {
		if sc.IDNumber == in.Card.IDNumber {
			s.scripts = append(s.scripts[:i], s.scripts[i+1:]...)
			code := sc.Code
			if code == "" {
				code = "scripted"
			}
			return &production.Feedback{Class: sc.Class, Code: code, Description: sc.Description}
		}
	}
	c := in.Card
	switch {
	case strings.TrimSpace(c.Name) == "" || strings.TrimSpace(c.Address) == "" || c.ValidFrom == "" || strings.TrimSpace(c.Authority) == "":
		return &production.Feedback{Class: idcard.ClassData, Code: "data_missing", Description: "卡面信息不完整：姓名、住址、签发机关或有效期限缺失"}
	case utf8.RuneCountInString(c.Address) > MaxAddress:
		return &production.Feedback{Class: idcard.ClassData, Code: "address_too_long", Description: fmt.Sprintf("住址超过 %d 个字，卡面无法打印", MaxAddress)}
	}
	if _, err := idcard.CheckPhoto(idcard.DefaultPhotoRules, in.Photo); err != nil {
		var de *domain.Error
		code := "photo"
		if errors.As(err, &de) {
			code = strings.TrimPrefix(de.Reason, "id_card.")
		}
		return &production.Feedback{Class: idcard.ClassPhoto, Code: code, Description: "相片不符合 GA 461 要求：" + photoProblems[code]}
	}
	for i, f := range in.Fingerprints {
		if f.NotAvailable != "" {
			continue
		}
		t, err := idcard.ParseTemplate(f.Template)
		if err != nil || int(t.Position) != f.Position {
			return &production.Feedback{Class: idcard.ClassFingerprint, Code: "template_unreadable", Description: fmt.Sprintf("第%d枚指纹的特征数据无法读取", i+1)}
		}
		if !consistent(t, f.Template, f.Image) {
			return &production.Feedback{Class: idcard.ClassFingerprint, Code: "template_image_mismatch",
				Description: fmt.Sprintf("第%d枚指纹（%s）的特征数据与指纹图像不一致，请重新采集", i+1, idcard.FingerName(f.Position))}
		}
	}
	return nil
}

// photoProblems say, per photo rule, what the centre found.
var photoProblems = map[string]string{
	"photo_too_small":         "文件过小",
	"photo_too_large":         "文件过大",
	"photo_format":            "不是 JPEG 文件",
	"photo_dimensions":        "尺寸不是 358×441 像素",
	"photo_colour":            "不是 24 位彩色",
	"photo_background_dark":   "背景颜色过深",
	"photo_background_uneven": "背景不是纯色",
	"photo":                   "无法读取",
}

// consistent reports whether image is the image the template was
// extracted from: of its size and, when the device wrote the digest of
// its template, carrying this template's.
func consistent(t *idcard.Template, template, image []byte) bool {
	w, h, ok := pngSize(image)
	if !ok || w != int(t.Width) || h != int(t.Height) {
		return false
	}
	if d, ok := fingerprint.DigestOf(image); ok {
		return d == fingerprint.TemplateDigest(template)
	}
	return true
}

// pngSize reads a PNG's size from its IHDR chunk.
func pngSize(b []byte) (int, int, bool) {
	if len(b) < 24 || string(b[1:4]) != "PNG" || string(b[12:16]) != "IHDR" {
		return 0, 0, false
	}
	be := func(p []byte) int { return int(p[0])<<24 | int(p[1])<<16 | int(p[2])<<8 | int(p[3]) }
	return be(b[16:20]), be(b[20:24]), true
}

// state is where p stands now. s.mu is held.
func (s *Simulator) state(p *pkg) string {
	switch {
	case s.cfg.Now().Before(p.received.Add(s.cfg.Delay)):
		return idcard.StateInProduction
	case p.feedback != nil:
		return idcard.StateQualityFeedback
	}
	return idcard.StateCompleted
}

func (s *Simulator) status(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("packageId")
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.packages[id]
	if !ok {
		writeErr(w, domain.Errorf(domain.CodeNotFound, "the production centre has no package %s", id).WithReason("production.unknown_package"))
		return
	}
	out := production.Status{PackageID: id, State: s.state(p), ReceivedAt: p.received}
	switch out.State {
	case idcard.StateQualityFeedback:
		out.Feedback = p.feedback
	case idcard.StateCompleted:
		at := p.received.Add(s.cfg.Delay)
		out.CardNumber, out.ProducedAt = p.card, &at
	}
	httpclient.WriteJSON(w, out)
}
