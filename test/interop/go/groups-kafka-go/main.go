// Group consumer for the groups interop suite (test/interop/groups-kafka-go.test.ts), with
// segmentio kafka-go 0.2.1's Reader in a consumer group (Debian golang-github-segmentio-kafka-go-dev).
// Prints JSON lines {"ev":"assign",...} (from the reader's "subscribed to partitions" log line),
// {"ev":"rec",...}; commits each message synchronously; leaves when stdin closes.
// usage: groups-kafka-go BOOTSTRAP GROUP TOPIC SESSION_MS
package main

import (
	"context"
	"encoding/json"
	"io"
	"io/ioutil"
	"log"
	"os"
	"regexp"
	"sort"
	"strconv"
	"sync"
	"time"

	kafka "github.com/segmentio/kafka-go"
)

var mu sync.Mutex

func out(v interface{}) {
	b, _ := json.Marshal(v)
	mu.Lock()
	os.Stdout.Write(append(b, '\n'))
	mu.Unlock()
}

var subscribed = regexp.MustCompile(`subscribed to partitions: map\[(.*)\]`)
var entry = regexp.MustCompile(`(\d+):-?\d+`)

// assignments turns the reader's log lines into assign events.
type assignments struct{}

func (assignments) Write(p []byte) (int, error) {
	if m := subscribed.FindSubmatch(p); m != nil {
		ps := []int{}
		for _, e := range entry.FindAllSubmatch(m[1], -1) {
			n, _ := strconv.Atoi(string(e[1]))
			ps = append(ps, n)
		}
		sort.Ints(ps)
		out(map[string]interface{}{"ev": "assign", "partitions": ps})
	}
	return len(p), nil
}

func main() {
	bootstrap, group, topic := os.Args[1], os.Args[2], os.Args[3]
	session, _ := strconv.Atoi(os.Args[4])
	r := kafka.NewReader(kafka.ReaderConfig{
		Brokers:           []string{bootstrap},
		GroupID:           group,
		Topic:             topic,
		MinBytes:          1,
		MaxBytes:          1 << 20,
		MaxWait:           200 * time.Millisecond,
		SessionTimeout:    time.Duration(session) * time.Millisecond,
		HeartbeatInterval: time.Duration(session/6) * time.Millisecond,
		Logger:            log.New(assignments{}, "", 0),
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.Copy(ioutil.Discard, os.Stdin)
		cancel()
	}()
	for {
		m, err := r.FetchMessage(ctx)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			out(map[string]interface{}{"ev": "error", "message": err.Error()})
			time.Sleep(100 * time.Millisecond)
			continue
		}
		out(map[string]interface{}{"ev": "rec", "p": m.Partition, "o": m.Offset, "v": string(m.Value)})
		if err := r.CommitMessages(context.Background(), m); err != nil {
			out(map[string]interface{}{"ev": "error", "message": err.Error()})
		} else {
			out(map[string]interface{}{"ev": "commit"})
		}
	}
	r.Close()
	out(map[string]interface{}{"ev": "closed"})
}
