// Interop helper for confluent-kafka-go (Debian golang-github-confluentinc-confluent-kafka-go-dev,
// cgo over Debian's librdkafka), driven by test/interop/confluent-kafka-go.test.ts: reads one
// JSON request on stdin, prints one JSON result. AdminClient.CreateTopics, a Producer per codec
// (enable.idempotence), a Consumer with Assign from OffsetBeginning, QueryWatermarkOffsets and
// OffsetsForTimes.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/confluentinc/confluent-kafka-go/kafka"
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
	Partition  int32   `json:"partition"`
	Idempotent bool    `json:"idempotent"`
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

func create(req request) (interface{}, error) {
	admin, err := kafka.NewAdminClient(&kafka.ConfigMap{"bootstrap.servers": req.Bootstrap})
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	res, err := admin.CreateTopics(ctx, []kafka.TopicSpecification{{Topic: req.Topic, NumPartitions: req.Partitions, ReplicationFactor: 1}})
	if err != nil {
		return nil, err
	}
	for _, r := range res {
		if r.Error.Code() != kafka.ErrNoError {
			return nil, r.Error
		}
	}
	return map[string]int{"created": len(res)}, nil
}

func produce(req request) (interface{}, error) {
	offsets := [][]int64{}
	for _, g := range req.Groups {
		conf := &kafka.ConfigMap{"bootstrap.servers": req.Bootstrap, "compression.type": g.Codec, "linger.ms": 50, "acks": "all"}
		if req.Idempotent {
			conf.SetKey("enable.idempotence", true)
		}
		p, err := kafka.NewProducer(conf)
		if err != nil {
			return nil, err
		}
		// Topic metadata first: librdkafka's first produce to an unseen topic otherwise waits for
		// its 1 s topic scan.
		topic := req.Topic
		if _, err := p.GetMetadata(&topic, false, 10000); err != nil {
			p.Close()
			return nil, err
		}
		reports := make(chan kafka.Event, len(g.Records))
		for _, r := range g.Records {
			m := &kafka.Message{TopicPartition: kafka.TopicPartition{Topic: &topic, Partition: req.Partition}, Value: []byte(r.Value)}
			if r.Key != nil {
				m.Key = []byte(*r.Key)
			}
			for _, h := range r.Headers {
				m.Headers = append(m.Headers, kafka.Header{Key: h[0], Value: []byte(h[1])})
			}
			if r.Timestamp != nil {
				m.Timestamp = time.Unix(0, *r.Timestamp*int64(time.Millisecond))
			}
			if err := p.Produce(m, reports); err != nil {
				p.Close()
				return nil, err
			}
		}
		got := make([]int64, len(g.Records))
		// Delivery reports come in order per partition; match them to records by value.
		index := map[string]int{}
		for i, r := range g.Records {
			index[r.Value] = i
		}
		for range g.Records {
			select {
			case e := <-reports:
				m := e.(*kafka.Message)
				if m.TopicPartition.Error != nil {
					p.Close()
					return nil, m.TopicPartition.Error
				}
				got[index[string(m.Value)]] = int64(m.TopicPartition.Offset)
			case <-time.After(15 * time.Second):
				p.Close()
				return nil, fmt.Errorf("no delivery report within 15 s")
			}
		}
		p.Close()
		offsets = append(offsets, got)
	}
	return map[string]interface{}{"offsets": offsets}, nil
}

func str(b []byte) *string {
	if b == nil {
		return nil
	}
	s := string(b)
	return &s
}

func newConsumer(req request) (*kafka.Consumer, error) {
	return kafka.NewConsumer(&kafka.ConfigMap{"bootstrap.servers": req.Bootstrap, "group.id": "kwasm-interop-assign-only", "enable.auto.commit": false})
}

func consume(req request) (interface{}, error) {
	c, err := newConsumer(req)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	topic := req.Topic
	if err := c.Assign([]kafka.TopicPartition{{Topic: &topic, Partition: req.Partition, Offset: kafka.OffsetBeginning}}); err != nil {
		return nil, err
	}
	out := []consumed{}
	deadline := time.Now().Add(time.Duration(req.TimeoutMs) * time.Millisecond)
	for len(out) < req.Count && time.Now().Before(deadline) {
		switch e := c.Poll(200).(type) {
		case *kafka.Message:
			if e.TopicPartition.Error != nil {
				return nil, e.TopicPartition.Error
			}
			hs := [][2]string{}
			for _, h := range e.Headers {
				hs = append(hs, [2]string{h.Key, string(h.Value)})
			}
			out = append(out, consumed{Offset: int64(e.TopicPartition.Offset), Timestamp: e.Timestamp.UnixNano() / int64(time.Millisecond), Key: str(e.Key), Value: string(e.Value), Headers: hs})
		case kafka.Error:
			return nil, e
		}
	}
	return map[string]interface{}{"records": out}, nil
}

func offsets(req request) (interface{}, error) {
	c, err := newConsumer(req)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	low, high, err := c.QueryWatermarkOffsets(req.Topic, req.Partition, 10000)
	if err != nil {
		return nil, err
	}
	byTs := []interface{}{}
	topic := req.Topic
	for _, t := range req.Timestamps {
		res, err := c.OffsetsForTimes([]kafka.TopicPartition{{Topic: &topic, Partition: req.Partition, Offset: kafka.Offset(t)}}, 10000)
		if err != nil {
			return nil, err
		}
		if res[0].Error != nil {
			return nil, res[0].Error
		}
		if res[0].Offset < 0 {
			byTs = append(byTs, nil)
		} else {
			// The client reports the offset only.
			byTs = append(byTs, map[string]interface{}{"offset": int64(res[0].Offset), "timestamp": nil})
		}
	}
	return map[string]interface{}{"earliest": low, "latest": high, "byTimestamp": byTs}, nil
}
