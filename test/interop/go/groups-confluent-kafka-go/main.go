// Group consumer for the groups interop suite (test/interop/groups-confluent-kafka-go.test.ts),
// with confluent-kafka-go over Debian's librdkafka: subscribe with a rebalance callback, print
// JSON lines {"ev":"assign",...} and {"ev":"rec",...}, commit synchronously after each message,
// leave the group when stdin closes.
// usage: groups-confluent-kafka-go BOOTSTRAP GROUP TOPIC SESSION_MS
package main

import (
	"encoding/json"
	"io"
	"io/ioutil"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

var mu sync.Mutex

func out(v interface{}) {
	b, _ := json.Marshal(v)
	mu.Lock()
	os.Stdout.Write(append(b, '\n'))
	mu.Unlock()
}

func main() {
	bootstrap, group, topic := os.Args[1], os.Args[2], os.Args[3]
	session, _ := strconv.Atoi(os.Args[4])
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":     bootstrap,
		"group.id":              group,
		"client.id":             "kwasm-groups",
		"auto.offset.reset":     "earliest",
		"enable.auto.commit":    false,
		"session.timeout.ms":    session,
		"heartbeat.interval.ms": session / 6,
	})
	if err != nil {
		out(map[string]interface{}{"ev": "error", "message": err.Error()})
		os.Exit(1)
	}
	var stop int32
	go func() {
		io.Copy(ioutil.Discard, os.Stdin)
		atomic.StoreInt32(&stop, 1)
	}()
	err = c.Subscribe(topic, func(c *kafka.Consumer, ev kafka.Event) error {
		switch e := ev.(type) {
		case kafka.AssignedPartitions:
			ps := []int{}
			for _, p := range e.Partitions {
				ps = append(ps, int(p.Partition))
			}
			sort.Ints(ps)
			out(map[string]interface{}{"ev": "assign", "partitions": ps})
			c.Assign(e.Partitions)
		case kafka.RevokedPartitions:
			out(map[string]interface{}{"ev": "assign", "partitions": []int{}})
			c.Unassign()
		}
		return nil
	})
	if err != nil {
		out(map[string]interface{}{"ev": "error", "message": err.Error()})
		os.Exit(1)
	}
	for atomic.LoadInt32(&stop) == 0 {
		ev := c.Poll(200)
		switch m := ev.(type) {
		case *kafka.Message:
			out(map[string]interface{}{"ev": "rec", "p": m.TopicPartition.Partition, "o": int64(m.TopicPartition.Offset), "v": string(m.Value)})
			if _, err := c.CommitMessage(m); err != nil {
				out(map[string]interface{}{"ev": "error", "message": err.Error()})
			} else {
				out(map[string]interface{}{"ev": "commit"})
			}
		case kafka.Error:
			out(map[string]interface{}{"ev": "error", "message": m.Error()})
		}
	}
	c.Close()
	out(map[string]interface{}{"ev": "closed"})
}
