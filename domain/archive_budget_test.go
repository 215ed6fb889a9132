package domain

import (
	"context"
	"image"
	"image/color"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWithinThumbnailBudget: what a thumbnail may decode, from the header
// alone (pixels and the bytes per pixel of the colour model).
func TestWithinThumbnailBudget(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		w, h int
		m    color.Model
		want bool
	}{
		{"A4ScanRGBA", 2480, 3508, color.NRGBAModel, true},
		{"PhotoJPEG12MP", 4000, 3000, color.YCbCrModel, true},
		{"PhotoJPEG30MP", 6708, 4472, color.YCbCrModel, true},  // 90 MB decoded
		{"PhotoJPEG36MP", 7360, 4912, color.YCbCrModel, false}, // 108 MB decoded
		{"Bomb16BitRGBA", 7745, 7745, color.NRGBA64Model, false},
		{"Bomb8BitRGBA", 7745, 7745, color.NRGBAModel, false},
		{"Gray16_20MP", 5000, 4000, color.Gray16Model, true},
		{"Paletted36MP", 6000, 6000, color.Palette{color.Black, color.White}, true},
		{"TooManyPixels", 8000, 6000, color.GrayModel, false},
		{"RGBA64_3MP", 2000, 1500, color.RGBA64Model, true},
		{"Zero", 0, 100, color.GrayModel, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, withinThumbnailBudget(image.Config{ColorModel: tt.m, Width: tt.w, Height: tt.h}))
		})
	}
}

// TestDecodeBounded_GivesUpWhenBusy: with every decode slot taken, a caller
// that gives up is answered at once (CodeUnavailable), never kept waiting.
func TestDecodeBounded_GivesUpWhenBusy(t *testing.T) {
	for range cap(thumbnailSlots) {
		thumbnailSlots <- struct{}{}
	}
	defer func() {
		for range cap(thumbnailSlots) {
			<-thumbnailSlots
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := decodeBounded(ctx, "image/png", nil)
	require.Equal(t, CodeUnavailable, ErrorCode(err))
}
