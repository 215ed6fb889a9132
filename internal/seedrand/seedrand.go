// Package seedrand is a deterministic byte stream (SM3 of seed and a
// counter, block after block) that the simulators derive their fixed SM2
// keys from, so every simulator process signs with the same key.
package seedrand

import (
	"encoding/binary"

	"github.com/emmansun/gmsm/sm3"
)

// Reader reads SM3(seed || counter) blocks; the zero counter comes first.
type Reader struct {
	seed []byte
	n    uint64
	buf  []byte
}

// New returns a Reader over seed.
func New(seed string) *Reader { return &Reader{seed: []byte(seed)} }

// Read fills p; it never fails.
func (r *Reader) Read(p []byte) (int, error) {
	for i := range p {
		if len(r.buf) == 0 {
			var c [8]byte
			binary.BigEndian.PutUint64(c[:], r.n)
			r.n++
			sum := sm3.Sum(append(append([]byte(nil), r.seed...), c[:]...))
			r.buf = sum[:]
		}
		p[i], r.buf = r.buf[0], r.buf[1:]
	}
	return len(p), nil
}
