package main

// The adapter protocol's messages (docs/adapter-protocol.md): JSON lines, requests in on stdin,
// results, events and packets out on stdout. Only this file knows their spelling.

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// request is any message the harness sends; which fields apply depends on Type and Call.
type request struct {
	Type        string   `json:"type"`
	ID          *int64   `json:"id"`
	Hex         *string  `json:"hex"`
	Call        string   `json:"call"`
	Port        *int64   `json:"port"`
	Host        *string  `json:"host"`
	LocalPort   *int64   `json:"localPort"`
	Bytes       *int64   `json:"bytes"`
	Name        *string  `json:"name"`
	Value       *int64   `json:"value"`
	To          *float64 `json:"to"`
	UntilOutput bool     `json:"untilOutput"`
}

// parseRequest decodes one line strictly: unknown fields are refused, as the schema refuses them.
// The id is returned whenever it can be read, so that even a bad request is answered by id.
func parseRequest(line []byte) (*request, *int64, error) {
	var loose struct {
		ID *int64 `json:"id"`
	}
	_ = json.Unmarshal(line, &loose)
	decoder := json.NewDecoder(bytes.NewReader(line))
	decoder.DisallowUnknownFields()
	var r request
	if err := decoder.Decode(&r); err != nil {
		return nil, loose.ID, err
	}
	if decoder.More() {
		return nil, loose.ID, errors.New("more than one JSON value on the line")
	}
	return &r, r.ID, nil
}

// result is the answer to a call or an advance.
type result struct {
	Type  string   `json:"type"`
	ID    *int64   `json:"id"` // null only when the request's id could not be read
	OK    bool     `json:"ok"`
	Error string   `json:"error,omitempty"`
	Bytes *int64   `json:"bytes,omitempty"`
	State string   `json:"state,omitempty"`
	EOF   bool     `json:"eof,omitempty"`
	Now   *float64 `json:"now,omitempty"`
}

type event struct {
	Type       string   `json:"type"`
	Event      string   `json:"event"`
	RemotePort int      `json:"remotePort,omitempty"`
	Error      string   `json:"error,omitempty"`
	Time       *float64 `json:"time,omitempty"` // virtual ms
}

type packetMessage struct {
	Type string  `json:"type"`
	Hex  string  `json:"hex"`
	Time float64 `json:"time"`
}

type hello struct {
	Type         string       `json:"type"`
	Protocol     int          `json:"protocol"`
	Stack        stackInfo    `json:"stack"`
	Address      string       `json:"address"`
	Peer         string       `json:"peer"`
	Broadcast    string       `json:"broadcast,omitempty"`
	Address6     string       `json:"address6,omitempty"`
	Peer6        string       `json:"peer6,omitempty"`
	Capabilities capabilities `json:"capabilities"`
}

type stackInfo struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type capabilities struct {
	Calls    []string `json:"calls"`
	Options  []string `json:"options,omitempty"`
	Clock    string   `json:"clock"`
	Families []string `json:"families"`
	Notes    []string `json:"notes,omitempty"`
}

// milliseconds is the protocol's unit of time.
func milliseconds(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// output writes messages in order; Flush before waiting for the next request.
type output struct {
	w *bufio.Writer
}

func newOutput(w io.Writer) *output { return &output{w: bufio.NewWriterSize(w, 1<<16)} }

func (o *output) send(message any) {
	line, err := json.Marshal(message)
	if err != nil {
		panic(fmt.Sprintf("cannot encode %#v: %v", message, err))
	}
	o.w.Write(line)
	o.w.WriteByte('\n')
}

func (o *output) flush() error { return o.w.Flush() }

func (o *output) ok(id *int64) { o.send(result{Type: "result", ID: id, OK: true}) }

func (o *output) fail(id *int64, errorName string) {
	o.send(result{Type: "result", ID: id, OK: false, Error: errorName})
}

func (o *output) badRequest(id *int64, why string) { o.fail(id, "bad request: "+why) }

func (o *output) event(e event) {
	e.Type = "event"
	o.send(e)
}
