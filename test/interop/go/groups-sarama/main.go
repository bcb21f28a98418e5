// Group consumer for the groups interop suite (test/interop/groups-sarama.test.ts), with sarama's
// ConsumerGroup (Debian golang-github-shopify-sarama-dev). Prints JSON lines:
//   {"ev":"assign","partitions":[...]}  {"ev":"rec","p":P,"o":OFFSET,"v":VALUE}
// marks every message (sarama commits marked offsets every Consumer.Offsets.CommitInterval and on
// close) and leaves the group when stdin closes.
// usage: groups-sarama BOOTSTRAP GROUP TOPIC SESSION_MS
package main

import (
	"context"
	"encoding/json"
	"io"
	"io/ioutil"
	"os"
	"sort"
	"strconv"
	"sync"
	"time"

	"github.com/Shopify/sarama"
)

var mu sync.Mutex

func out(v interface{}) {
	b, _ := json.Marshal(v)
	mu.Lock()
	os.Stdout.Write(append(b, '\n'))
	mu.Unlock()
}

type handler struct{ topic string }

func (h handler) Setup(s sarama.ConsumerGroupSession) error {
	ps := append([]int32(nil), s.Claims()[h.topic]...)
	sort.Slice(ps, func(i, j int) bool { return ps[i] < ps[j] })
	if ps == nil {
		ps = []int32{}
	}
	out(map[string]interface{}{"ev": "assign", "partitions": ps})
	return nil
}

func (h handler) Cleanup(sarama.ConsumerGroupSession) error { return nil }

func (h handler) ConsumeClaim(s sarama.ConsumerGroupSession, c sarama.ConsumerGroupClaim) error {
	for m := range c.Messages() {
		out(map[string]interface{}{"ev": "rec", "p": m.Partition, "o": m.Offset, "v": string(m.Value)})
		s.MarkMessage(m, "")
	}
	return nil
}

func main() {
	bootstrap, group, topic := os.Args[1], os.Args[2], os.Args[3]
	session, _ := strconv.Atoi(os.Args[4])
	cfg := sarama.NewConfig()
	cfg.Version = sarama.V2_0_0_0
	cfg.ClientID = "kwasm-groups"
	cfg.Consumer.Offsets.Initial = sarama.OffsetOldest
	cfg.Consumer.Offsets.CommitInterval = 200 * time.Millisecond
	cfg.Consumer.Group.Session.Timeout = time.Duration(session) * time.Millisecond
	cfg.Consumer.Group.Heartbeat.Interval = time.Duration(session/6) * time.Millisecond
	cfg.Consumer.Group.Rebalance.Timeout = 10 * time.Second
	cfg.Consumer.MaxWaitTime = 200 * time.Millisecond
	cg, err := sarama.NewConsumerGroup([]string{bootstrap}, group, cfg)
	if err != nil {
		out(map[string]interface{}{"ev": "error", "message": err.Error()})
		os.Exit(1)
	}
	go func() {
		for e := range cg.Errors() {
			out(map[string]interface{}{"ev": "error", "message": e.Error()})
		}
	}()
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		io.Copy(ioutil.Discard, os.Stdin)
		cancel()
	}()
	for ctx.Err() == nil {
		if err := cg.Consume(ctx, []string{topic}, handler{topic}); err != nil {
			out(map[string]interface{}{"ev": "error", "message": err.Error()})
			time.Sleep(100 * time.Millisecond)
		}
	}
	cg.Close()
	out(map[string]interface{}{"ev": "closed"})
}
