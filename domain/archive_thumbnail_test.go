package domain_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"image/color"
	"image/jpeg"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
	"hukou/storage"
	"hukou/storage/storagetest"
)

// png16 is a valid, fully decodable w×h 16-bit RGBA PNG of black pixels:
// the rows compress about 1000:1, so 7745×7745 is a 466 KB file that
// decodes to 480 MB.
func png16(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		_ = binary.Write(&b, binary.BigEndian, uint32(len(data)))
		b.WriteString(typ)
		b.Write(data)
		_ = binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = 16, 6 // 16-bit RGBA
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	zw, err := zlib.NewWriterLevel(&idat, zlib.BestCompression)
	require.NoError(t, err)
	row := make([]byte, 1+w*8) // filter byte 0, then zero samples
	for range h {
		_, err := zw.Write(row)
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return b.Bytes()
}

// TestArchiveService_ThumbnailBounded replays the decompression bomb of
// issue 10: a 466 KB 7745×7745 16-bit PNG passes the upload check (under
// the pixel limit) but its thumbnail is made from the header alone, a
// placeholder, quickly and without decoding 480 MB of pixels; concurrent
// requests for it stay cheap too.
func TestArchiveService_ThumbnailBounded(t *testing.T) {
	t.Parallel()
	bomb := png16(t, 7745, 7745)
	require.Less(t, len(bomb), 600<<10, "a small file")
	storagetest.EachDB(t, func(t *testing.T, db *storage.DB) {
		f := newArchiveFixture(t, db, 0)
		up, err := f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", "scan.png", "image/png", bytes.NewReader(bomb))
		require.NoError(t, err, "accepted: 60 megapixels at most")

		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		var wg sync.WaitGroup
		thumbs := make([][]byte, 4)
		errs := make([]error, 4)
		for i := range thumbs {
			wg.Go(func() { thumbs[i], _, errs[i] = f.svc.Thumbnail(f.clerk, up.ID) })
		}
		wg.Wait()
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		for i := range thumbs {
			require.NoError(t, errs[i])
		}
		require.Less(t, elapsed, 3*time.Second, "no full decode (it takes about 10 s)")
		// Allocations of the whole process, parallel tests included; one
		// decode alone would allocate 480 MB.
		require.Less(t, after.TotalAlloc-before.TotalAlloc, uint64(400<<20))
		img, err := jpeg.Decode(bytes.NewReader(thumbs[0]))
		require.NoError(t, err)
		require.Equal(t, domain.ThumbnailSize, img.Bounds().Dx())
		require.Equal(t, domain.ThumbnailSize, img.Bounds().Dy())
		c := color.NRGBAModel.Convert(img.At(domain.ThumbnailSize/2, domain.ThumbnailSize/3)).(color.NRGBA)
		require.Greater(t, int(c.B), 0xa0, "the placeholder's sky, not the black pixels: %v", c)

		// A small image in the same format is still previewed from its pixels.
		small, err := f.svc.Upload(f.clerk, f.caseID, "BIRTH_CERT", "small.png", "image/png", bytes.NewReader(png16(t, 300, 200)))
		require.NoError(t, err)
		thumb, _, err := f.svc.Thumbnail(f.clerk, small.ID)
		require.NoError(t, err)
		img, err = jpeg.Decode(bytes.NewReader(thumb))
		require.NoError(t, err)
		c = color.NRGBAModel.Convert(img.At(domain.ThumbnailSize/2, domain.ThumbnailSize/2)).(color.NRGBA)
		require.Less(t, int(c.R)+int(c.G)+int(c.B), 0x30, "black pixels: %v", c)

	})
}
