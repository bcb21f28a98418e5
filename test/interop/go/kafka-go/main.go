// Interop helper for segmentio kafka-go 0.2.1 (Debian golang-github-segmentio-kafka-go-dev), driven
// by test/interop/kafka-go.test.ts: reads one JSON request on stdin, prints one JSON result.
// kafka-go 0.2.1 speaks only old protocol versions: CreateTopics v0, Metadata v1, Produce v2 with
// magic 1 message sets (no headers; gzip/snappy/lz4 as a compressed wrapper message), Fetch v2
// (the broker down-converts) and ListOffsets v1. It has no zstd and reports no produce offsets.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	kafka "github.com/segmentio/kafka-go"
	"github.com/segmentio/kafka-go/gzip"
	"github.com/segmentio/kafka-go/lz4"
	"github.com/segmentio/kafka-go/snappy"
)

type rec struct {
	Key       *string     `json:"key"`
	Value     string      `json:"value"`
	Headers   [][2]string `json:"headers"`
	Timestamp *int64      `json:"timestamp,omitempty"`
}

type consumed struct {
	Offset    int64       `json:"offset"`
	Timestamp int64       `json:"timestamp"`
	Key       *string     `json:"key"`
	Value     string      `json:"value"`
	Headers   [][2]string `json:"headers"`
}

type request struct {
	Op         string  `json:"op"`
	Bootstrap  string  `json:"bootstrap"`
	Topic      string  `json:"topic"`
	Partitions int     `json:"partitions"`
	Partition  int     `json:"partition"`
	Count      int     `json:"count"`
	TimeoutMs  int     `json:"timeoutMs"`
	Timestamps []int64 `json:"timestamps"`
	Groups     []struct {
		Codec   string `json:"codec"`
		Records []rec  `json:"records"`
	} `json:"groups"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail(err)
	}
	var out interface{}
	var err error
	switch req.Op {
	case "create":
		out, err = create(req)
	case "produce":
		out, err = produce(req)
	case "consume":
		out, err = consume(req)
	case "offsets":
		out, err = offsets(req)
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
	if err != nil {
		fail(err)
	}
	if err := json.NewEncoder(os.Stdout).Encode(out); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "error:", err)
	os.Exit(1)
}

func leader(req request) (*kafka.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := kafka.DialLeader(ctx, "tcp", req.Bootstrap, req.Topic, req.Partition)
	if err != nil {
		return nil, err
	}
	conn.SetDeadline(time.Now().Add(15 * time.Second))
	return conn, nil
}

func create(req request) (interface{}, error) {
	conn, err := kafka.Dial("tcp", req.Bootstrap)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if err := conn.CreateTopics(kafka.TopicConfig{Topic: req.Topic, NumPartitions: req.Partitions, ReplicationFactor: 1}); err != nil {
		return nil, err
	}
	return map[string]bool{"created": true}, nil
}

func produce(req request) (interface{}, error) {
	conn, err := leader(req)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if err := conn.SetRequiredAcks(-1); err != nil {
		return nil, err
	}
	for _, g := range req.Groups {
		var codec kafka.CompressionCodec
		switch g.Codec {
		case "none":
		case "gzip":
			codec = gzip.NewCompressionCodec()
		case "snappy":
			codec = snappy.NewCompressionCodec()
		case "lz4":
			codec = lz4.NewCompressionCodec()
		default:
			return nil, fmt.Errorf("kafka-go 0.2.1 has no %s codec", g.Codec)
		}
		msgs := make([]kafka.Message, len(g.Records))
		for i, r := range g.Records {
			if len(r.Headers) > 0 {
				return nil, fmt.Errorf("message format v1 has no headers")
			}
			msgs[i].Value = []byte(r.Value)
			if r.Key != nil {
				msgs[i].Key = []byte(*r.Key)
			}
			if r.Timestamp != nil {
				msgs[i].Time = time.Unix(0, *r.Timestamp*int64(time.Millisecond))
			}
		}
		if _, err := conn.WriteCompressedMessages(codec, msgs...); err != nil {
			return nil, err
		}
	}
	// Produce v2 responses carry the base offset, but kafka-go 0.2.1 does not report it.
	return map[string]interface{}{"offsets": nil}, nil
}

func str(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

func consume(req request) (interface{}, error) {
	conn, err := leader(req)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.Seek(0, kafka.SeekStart); err != nil {
		return nil, err
	}
	out := []consumed{}
	deadline := time.Now().Add(time.Duration(req.TimeoutMs) * time.Millisecond)
	for len(out) < req.Count && time.Now().Before(deadline) {
		conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		batch := conn.ReadBatch(1, 1<<20)
		for len(out) < req.Count {
			m, err := batch.ReadMessage()
			if err != nil {
				break
			}
			out = append(out, consumed{Offset: m.Offset, Timestamp: m.Time.UnixNano() / int64(time.Millisecond), Key: str(m.Key), Value: string(m.Value), Headers: [][2]string{}})
		}
		if err := batch.Close(); err != nil && len(out) < req.Count {
			if e, ok := err.(kafka.Error); ok && !e.Temporary() {
				return nil, err
			}
		}
	}
	return map[string]interface{}{"records": out}, nil
}

func offsets(req request) (interface{}, error) {
	conn, err := leader(req)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	first, last, err := conn.ReadOffsets()
	if err != nil {
		return nil, err
	}
	byTs := []interface{}{}
	for _, t := range req.Timestamps {
		o, err := conn.ReadOffset(time.Unix(0, t*int64(time.Millisecond)))
		if err != nil {
			return nil, err
		}
		if o < 0 {
			byTs = append(byTs, nil)
		} else {
			// kafka-go reports the offset only.
			byTs = append(byTs, map[string]interface{}{"offset": o, "timestamp": nil})
		}
	}
	return map[string]interface{}{"earliest": first, "latest": last, "byTimestamp": byTs}, nil
}
