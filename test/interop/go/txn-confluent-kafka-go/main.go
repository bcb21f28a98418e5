// confluent-kafka-go (Debian 0.11.6 over librdkafka 2.0) reading transactional data, driven by
// test/interop/txn-confluent-kafka-go.test.ts: reads one JSON request on stdin, prints one JSON
// result. This confluent-kafka-go predates its transactional producer API (v1.4), so the helper
// is the consumer side: Assign from OffsetBeginning with isolation.level read_committed or
// read_uncommitted, reporting every record with its partition and offset.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"
)

type request struct {
	Op         string  `json:"op"`
	Bootstrap  string  `json:"bootstrap"`
	Topic      string  `json:"topic"`
	Partitions []int32 `json:"partitions"`
	Isolation  string  `json:"isolation"`
	Count      int     `json:"count"`
	TimeoutMs  int     `json:"timeoutMs"`
}

func main() {
	var req request
	if err := json.NewDecoder(os.Stdin).Decode(&req); err != nil {
		fail(err)
	}
	if req.Op != "consume" {
		fail(fmt.Errorf("unknown op %q", req.Op))
	}
	out, err := consume(req)
	if err != nil {
		fail(err)
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

func consume(req request) (interface{}, error) {
	c, err := kafka.NewConsumer(&kafka.ConfigMap{
		"bootstrap.servers":  req.Bootstrap,
		"group.id":           "kwasm-txn-interop-assign-only",
		"enable.auto.commit": false,
		"isolation.level":    req.Isolation,
		"fetch.wait.max.ms":  50,
	})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	topic := req.Topic
	tps := []kafka.TopicPartition{}
	for _, p := range req.Partitions {
		tps = append(tps, kafka.TopicPartition{Topic: &topic, Partition: p, Offset: kafka.OffsetBeginning})
	}
	if err := c.Assign(tps); err != nil {
		return nil, err
	}
	out := [][]interface{}{}
	deadline := time.Now().Add(time.Duration(req.TimeoutMs) * time.Millisecond)
	var settle time.Time
	for time.Now().Before(deadline) && (settle.IsZero() || time.Now().Before(settle)) {
		switch e := c.Poll(100).(type) {
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				return nil, e.TopicPartition.Error
			}
			out = append(out, []interface{}{e.TopicPartition.Partition, int64(e.TopicPartition.Offset), string(e.Value)})
			if len(out) >= req.Count && settle.IsZero() {
				settle = time.Now().Add(400 * time.Millisecond)
			}
		case kafka.Error:
			return nil, e
		}
	}
	return map[string]interface{}{"records": out}, nil
}
