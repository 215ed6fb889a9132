// Package gqlclient posts GraphQL operations to a hukou server over HTTP, as
// the bench and the end-to-end tests drive it: JSON requests and GraphQL
// multipart uploads (one file), answers decoded into the caller's struct.
package gqlclient

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
)

// Error is the first GraphQL error of an answer.
type Error struct {
	Message    string
	Extensions map[string]any
}

func (e *Error) Error() string { return fmt.Sprintf("%s (%v)", e.Message, e.Extensions["code"]) }

// Code is the error's extensions.code.
func (e *Error) Code() string { s, _ := e.Extensions["code"].(string); return s }

// Do posts query with vars to http://addr/graphql (token as Bearer unless
// empty) and decodes the answer's data into out (unless nil). A GraphQL
// error comes back as *Error.
func Do(client *http.Client, addr, token, query string, vars map[string]any, out any) error {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return send(client, req, token, out)
}

// Upload posts query as a GraphQL multipart request whose variable at
// fileVar (a dotted path such as "in.file", set to null in vars by the
// caller when nested) is the file name with content of contentType.
func Upload(client *http.Client, addr, token, query string, vars map[string]any, fileVar, name, contentType string, content []byte, out any) error {
	ops, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("operations", string(ops))
	_ = w.WriteField("map", `{"0": ["variables.`+fileVar+`"]}`)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="0"; filename="`+name+`"`)
	h.Set("Content-Type", contentType)
	part, _ := w.CreatePart(h)
	_, _ = part.Write(content)
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, "http://"+addr+"/graphql", &buf)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	return send(client, req, token, out)
}

func send(client *http.Client, req *http.Request, token string, out any) error {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	var r struct {
		Data   json.RawMessage
		Errors []Error
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		return fmt.Errorf("HTTP %d: %.300s", res.StatusCode, raw)
	}
	if len(r.Errors) > 0 {
		return &r.Errors[0]
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(r.Data, out)
}
