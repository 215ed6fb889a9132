// Package idreadersim simulates the second-generation ID card reader behind
// the contract of package idreader (../openapi.yaml): an http.Handler that
// `make run` (hukou demo), `hukou simulate` and `hukou serve --dev` serve on
// the loopback interface, with CORS open so that the clerk's browser can
// call it (the plumbing is devicesim's, shared with the fingerprint device).
//
// A card lies on the reader: Config.Card, else DemoCard. Scripted answers
// for the next reads are set through /admin/script (PUT a JSON list of
// Script, one per read; DELETE clears): another card, no card on the reader
// (409 reader.no_card), or a failed read (409 reader.read_failed). Faults per
// endpoint (idreader.Endpoint*) through /admin/faults.
package idreadersim

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"sync"
	"time"

	"hukou/domain/idnumber"
	"hukou/integrations/devicesim"
	"hukou/integrations/fault"
	"hukou/integrations/httpclient"
	"hukou/integrations/idreader"
)

// DemoCard is the card on the simulated reader unless configured: a
// resident of Panjin, the demo's first deployment.
var DemoCard = idreader.Card{Name: "陈东", Sex: "1", Ethnicity: "01", BirthDate: "1980-10-05",
	Address: "辽宁省盘锦市双台子区红旗街道兴隆小区5号楼2单元301室", IDNumber: "211102198010052301",
	Authority: "盘锦市公安局双台子分局", ValidFrom: "2015-03-01", ValidTo: "2035-03-01"}

// Script is one scripted read.
type Script struct {
	// Card, when set, is read instead of the card on the reader.
	Card *idreader.Card `json:"card,omitempty"`
	// NoCard answers 409 reader.no_card.
	NoCard bool `json:"noCard,omitempty"`
	// Fail answers 409 reader.read_failed.
	Fail bool `json:"fail,omitempty"`
}

// Config configures a Simulator.
type Config struct {
	Faults *fault.Injector
	Now    func() time.Time
	// Card is the card on the reader; nil means DemoCard.
	Card *idreader.Card
}

// Simulator is the simulated reader; safe for concurrent use.
type Simulator struct {
	cfg     Config
	handler http.Handler
	scripts devicesim.Scripts[Script]
	photo   []byte
	mu      sync.Mutex
}

// New returns a simulator.
func New(cfg Config) *Simulator {
	if cfg.Faults == nil {
		cfg.Faults = fault.New(1)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Card == nil {
		c := DemoCard
		cfg.Card = &c
	}
	s := &Simulator{cfg: cfg, photo: Photo()}
	s.scripts.Check = func(sc Script) error {
		if sc.Card != nil && !validNumber(sc.Card.IDNumber) {
			return errors.New("a scripted card needs a valid 18-digit ID number")
		}
		return nil
	}
	mux := devicesim.Mux(idreader.OpenAPISpec, cfg.Faults)
	mux.Handle("GET /v1/reader", cfg.Faults.Wrap(idreader.EndpointReader, http.HandlerFunc(s.reader)))
	mux.Handle("POST /v1/read", cfg.Faults.Wrap(idreader.EndpointRead, http.HandlerFunc(s.read)))
	s.scripts.Handle(mux)
	s.handler = devicesim.CORS(mux)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Simulator) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Faults returns the fault injector.
func (s *Simulator) Faults() *fault.Injector { return s.cfg.Faults }

// Script queues scripted reads.
func (s *Simulator) Script(scripts ...Script) { s.scripts.Add(scripts...) }

func validNumber(n string) bool {
	return len(n) == 18 && idnumber.CheckDigit(n[:17]) == n[17]
}

func (s *Simulator) reader(w http.ResponseWriter, _ *http.Request) {
	httpclient.WriteJSON(w, idreader.Info{Model: "hukou IDR-200 (simulated)", Serial: "SIM-IDR-0001", Status: "READY"})
}

func (s *Simulator) read(w http.ResponseWriter, _ *http.Request) {
	sc, _ := s.scripts.Next()
	switch {
	case sc.NoCard:
		httpclient.WriteError(w, http.StatusConflict, httpclient.ErrorBody{Code: "conflict", Message: "no card is on the reader", Reason: idreader.ReasonNoCard})
		return
	case sc.Fail:
		httpclient.WriteError(w, http.StatusConflict, httpclient.ErrorBody{Code: "conflict", Message: "the card could not be read; place it again", Reason: idreader.ReasonReadFailed})
		return
	}
	s.mu.Lock()
	card := *s.cfg.Card
	s.mu.Unlock()
	if sc.Card != nil {
		card = *sc.Card
	}
	if len(card.Photo) == 0 {
		card.Photo = s.photo
	}
	card.ReadAt = s.cfg.Now().UTC()
	httpclient.WriteJSON(w, card)
}

// Photo is the simulated card photo: a 102×126 PNG of a head and shoulders
// on the light background of an ID card photo.
func Photo() []byte {
	const w, h = 102, 126
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{R: 236, G: 240, B: 245, A: 255}
			dx, dy := float64(x-51)/22, float64(y-50)/28
			sx, sy := float64(x-51)/46, float64(y-126)/40
			if dx*dx+dy*dy <= 1 || (sx*sx+sy*sy <= 1 && y > 86) {
				c = color.RGBA{R: 70, G: 72, B: 80, A: 255}
			}
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
