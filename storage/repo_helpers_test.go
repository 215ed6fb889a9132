package storage_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"hukou/domain"
)

// utc returns v with every time.Time it reaches (through pointers, slices
// and exported struct fields) moved to UTC, so require.Equal compares
// instants: SQLite gives times back in time.Local, PostgreSQL in the
// session's zone.
func utc[T any](v T) T {
	utcValue(reflect.ValueOf(&v).Elem())
	return v
}

var timeType = reflect.TypeFor[time.Time]()

func utcValue(v reflect.Value) {
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		if !v.IsNil() {
			utcValue(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return
		}
		for i := range v.Len() {
			utcValue(v.Index(i))
		}
	case reflect.Struct:
		if v.Type() == timeType {
			if v.CanSet() {
				v.Set(reflect.ValueOf(v.Interface().(time.Time).UTC()))
			}
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				utcValue(v.Field(i))
			}
		}
	}
}

// requireCode fails unless err carries the domain code want.
func requireCode(t *testing.T, want domain.Code, err error) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, want, domain.ErrorCode(err), "error: %v", err)
}

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }
