// Package fingerprintsim simulates the fingerprint capture device behind
// the contract of package fingerprint (../openapi.yaml): an http.Handler
// that `make run` (hukou demo) and `hukou simulate` serve on the loopback
// interface, with CORS open so that the clerk's browser can call it.
//
// A finger is a deterministic set of minutiae derived from the request's
// subject (whose finger it is; the SPA sends the applicant's ID number) and
// the finger position; each capture places it a little differently (a small
// rotation and shift, jittered minutiae, some lost and some spurious), so
// two captures of one finger match (fingerprint.Matcher scores them
// highly) and captures of different fingers do not. Each image is a grey
// PNG of the finger carrying the digest of its template (fingerprint.EmbedDigest).
//
// Scripted anomalies for the next captures are set through /admin/script
// (PUT a JSON list of Script, applied one per capture; DELETE clears it):
// a low quality, a template/image mismatch (the image of another capture),
// or no finger placed (409 device.no_finger). Faults per endpoint
// (fingerprint.Endpoint*) through /admin/faults.
package fingerprintsim

import (
	"bytes"
	"encoding/json"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"sync"
	"time"

	"hukou/domain/idcard"
	"hukou/integrations/devicesim"
	"hukou/integrations/fault"
	"hukou/integrations/fingerprint"
	"hukou/integrations/httpclient"
)

// Image size and resolution: 500 ppi, 197 pixels per centimetre.
const (
	Width  = 256
	Height = 360
	ppcm   = 197
)

// Script is one scripted capture.
type Script struct {
	// Quality, when set, is the capture's quality.
	Quality int `json:"quality,omitempty"`
	// Mismatch delivers the image of another capture with the template.
	Mismatch bool `json:"mismatch,omitempty"`
	// NoFinger answers 409 device.no_finger.
	NoFinger bool `json:"noFinger,omitempty"`
}

// Config configures a Simulator.
type Config struct {
	Faults *fault.Injector
	Now    func() time.Time
	// Seed varies the captures' placements (0 means 1).
	Seed uint64
}

// Simulator is the simulated device; safe for concurrent use.
type Simulator struct {
	cfg     Config
	handler http.Handler
	scripts devicesim.Scripts[Script]

	mu     sync.Mutex
	rng    *rand.Rand
	serial int
}

// New returns a simulator.
func New(cfg Config) *Simulator {
	if cfg.Faults == nil {
		cfg.Faults = fault.New(1)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	s := &Simulator{cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 19794))}
	mux := devicesim.Mux(fingerprint.OpenAPISpec, cfg.Faults)
	mux.Handle("GET /v1/device", cfg.Faults.Wrap(fingerprint.EndpointDevice, http.HandlerFunc(s.device)))
	mux.Handle("POST /v1/capture", cfg.Faults.Wrap(fingerprint.EndpointCapture, http.HandlerFunc(s.capture)))
	s.scripts.Handle(mux)
	s.handler = devicesim.CORS(mux)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults returns the fault injector.
func (s *Simulator) Faults() *fault.Injector { return s.cfg.Faults }

// Script queues scripted captures.
func (s *Simulator) Script(scripts ...Script) { s.scripts.Add(scripts...) }

func (s *Simulator) device(w http.ResponseWriter, _ *http.Request) {
	httpclient.WriteJSON(w, fingerprint.Info{Model: "hukou FPS-500 (simulated)", Serial: "SIM-0001", Status: "READY",
		Standard: "ISO/IEC 19794-2:2005", Resolution: 500})
}

func (s *Simulator) capture(w http.ResponseWriter, r *http.Request) {
	var in fingerprint.CaptureRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<12))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		httpclient.WriteError(w, http.StatusBadRequest, httpclient.ErrorBody{Code: "invalid", Message: "the request is not a capture request: " + err.Error(), Reason: "device.request"})
		return
	}
	if in.Position < 1 || in.Position > 10 {
		httpclient.WriteError(w, http.StatusBadRequest, httpclient.ErrorBody{Code: "invalid", Field: "position",
			Message: "finger position " + strconv.Itoa(in.Position) + " is not one of 1–10", Reason: "device.position"})
		return
	}
	sc, _ := s.scripts.Next()
	s.mu.Lock()
	placement := s.rng.Uint64()
	other := s.rng.Uint64()
	s.serial++
	subject := in.Subject
	if subject == "" {
		subject = "anonymous-" + strconv.Itoa(s.serial)
	}
	s.mu.Unlock()
	if sc.NoFinger {
		httpclient.WriteError(w, http.StatusConflict, httpclient.ErrorBody{Code: "conflict", Message: "no finger was placed on the scanner in time", Reason: "device.no_finger"})
		return
	}
	t := Take(subject, in.Position, placement)
	if sc.Quality > 0 {
		t.Quality = uint8(min(sc.Quality, 100))
	}
	tpl := t.Encode()
	img := Image(t)
	if sc.Mismatch { // the image of another placement, carrying that template's digest
		o := Take(subject, in.Position, other)
		img = Image(o)
	}
	httpclient.WriteJSON(w, fingerprint.Capture{Position: in.Position, Quality: int(t.Quality), Minutiae: len(t.Minutiae), Template: tpl, Image: img,
		Width: Width, Height: Height, CapturedAt: s.cfg.Now().UTC()})
}

// finger is the true minutiae of a subject's finger.
func finger(subject string, position int) (base []idcard.Minutia, quality int) {
	h := fnv.New64a()
	_, _ = h.Write([]byte(subject + "#" + strconv.Itoa(position)))
	rng := rand.New(rand.NewPCG(h.Sum64(), 0x19794))
	n := 34 + rng.IntN(12)
	for len(base) < n {
		x, y := 30+rng.Float64()*196, 40+rng.Float64()*280
		if dx, dy := (x-128)/100, (y-180)/145; dx*dx+dy*dy > 1 {
			continue // outside the finger's oval
		}
		base = append(base, idcard.Minutia{Type: uint8(1 + rng.IntN(2)), X: uint16(x), Y: uint16(y), Angle: uint8(rng.IntN(256)), Quality: uint8(60 + rng.IntN(40))})
	}
	return base, 72 + rng.IntN(20)
}

// Take is one placement of a subject's finger: the true minutiae turned
// by up to 6 degrees and moved by up to 8 pixels, each jittered by up to 2
// pixels and 3 angle units, about one in ten lost, one to three spurious;
// the quality within 4 of the finger's.
func Take(subject string, position int, placement uint64) *idcard.Template {
	base, quality := finger(subject, position)
	rng := rand.New(rand.NewPCG(placement, uint64(position)))
	rot := (rng.Float64()*12 - 6) * math.Pi / 180
	tx, ty := rng.Float64()*16-8, rng.Float64()*16-8
	sin, cos := math.Sin(rot), math.Cos(rot)
	rotUnits := int(math.Round(rot * 256 / (2 * math.Pi)))
	t := &idcard.Template{Width: Width, Height: Height, ResX: ppcm, ResY: ppcm, Position: uint8(position), Quality: uint8(max(0, min(100, quality+rng.IntN(9)-4)))}
	for _, m := range base {
		if rng.IntN(10) == 0 {
			continue
		}
		cx, cy := float64(m.X)-128, float64(m.Y)-180
		x := cos*cx - sin*cy + 128 + tx + rng.Float64()*4 - 2
		y := sin*cx + cos*cy + 180 + ty + rng.Float64()*4 - 2
		if x < 0 || y < 0 || x >= Width || y >= Height {
			continue
		}
		angle := (int(m.Angle) + rotUnits + rng.IntN(7) - 3) & 0xff
		t.Minutiae = append(t.Minutiae, idcard.Minutia{Type: m.Type, X: uint16(x), Y: uint16(y), Angle: uint8(angle), Quality: m.Quality})
	}
	for range 1 + rng.IntN(3) {
		t.Minutiae = append(t.Minutiae, idcard.Minutia{Type: uint8(1 + rng.IntN(2)), X: uint16(40 + rng.IntN(176)), Y: uint16(50 + rng.IntN(260)),
			Angle: uint8(rng.IntN(256)), Quality: uint8(30 + rng.IntN(30))})
	}
	return t
}

// Image renders t's finger as a grey PNG (ridges around a core, the
// minutiae marked) carrying the digest of t's template.
func Image(t *idcard.Template) []byte {
	img := image.NewGray(image.Rect(0, 0, Width, Height))
	for y := range Height {
		for x := range Width {
			dx, dy := (float64(x)-128)/110, (float64(y)-180)/160
			v := uint8(250)
			if d := dx*dx + dy*dy; d <= 1 {
				r := math.Hypot(float64(x)-128, (float64(y)-200)*0.8)
				if math.Sin(r*0.55+math.Atan2(dy, dx)*1.5) > 0 {
					v = 70
				} else {
					v = 200
				}
			}
			img.SetGray(x, y, color.Gray{Y: v})
		}
	}
	for _, m := range t.Minutiae {
		for oy := -2; oy <= 2; oy++ {
			for ox := -2; ox <= 2; ox++ {
				img.SetGray(int(m.X)+ox, int(m.Y)+oy, color.Gray{Y: 0})
			}
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return fingerprint.EmbedDigest(buf.Bytes(), t.Encode())
}
