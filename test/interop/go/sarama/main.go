// Interop helper for sarama (Debian golang-github-shopify-sarama-dev), driven by
// test/interop/sarama.test.ts: reads one JSON request on stdin, prints one JSON result.
// ClusterAdmin.CreateTopic, a SyncProducer per codec (manual partitioner, headers, timestamps,
// Idempotent), a partition consumer from OffsetOldest, Client.GetOffset.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"time"

	"github.com/Shopify/sarama"
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
	Partitions int32   `json:"partitions"`
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

var codecs = map[string]sarama.CompressionCodec{
	"none": sarama.CompressionNone, "gzip": sarama.CompressionGZIP, "snappy": sarama.CompressionSnappy,
	"lz4": sarama.CompressionLZ4, "zstd": sarama.CompressionZSTD,
}

func config() *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = "kwasm-interop"
	c.Version = sarama.V2_1_0_0 // Produce v7 / Fetch v10: zstd
	c.Metadata.Retry.Backoff = 50 * time.Millisecond
	return c
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
	admin, err := sarama.NewClusterAdmin([]string{req.Bootstrap}, config())
	if err != nil {
		return nil, err
	}
	defer admin.Close()
	err = admin.CreateTopic(req.Topic, &sarama.TopicDetail{NumPartitions: req.Partitions, ReplicationFactor: 1}, false)
	return map[string]bool{"created": err == nil}, err
}

func produce(req request) (interface{}, error) {
	offsets := [][]int64{}
	for _, g := range req.Groups {
		c := config()
		c.Producer.Return.Successes = true
		c.Producer.RequiredAcks = sarama.WaitForAll
		c.Producer.Partitioner = sarama.NewManualPartitioner
		c.Producer.Compression = codecs[g.Codec]
		c.Producer.Flush.Frequency = 20 * time.Millisecond
		if req.Idempotent {
			c.Producer.Idempotent = true
			c.Producer.Retry.Max = 3
			c.Net.MaxOpenRequests = 1
		}
		p, err := sarama.NewSyncProducer([]string{req.Bootstrap}, c)
		if err != nil {
			return nil, err
		}
		msgs := make([]*sarama.ProducerMessage, len(g.Records))
		for i, r := range g.Records {
			m := &sarama.ProducerMessage{Topic: req.Topic, Partition: req.Partition, Value: sarama.StringEncoder(r.Value)}
			if r.Key != nil {
				m.Key = sarama.StringEncoder(*r.Key)
			}
			for _, h := range r.Headers {
				m.Headers = append(m.Headers, sarama.RecordHeader{Key: []byte(h[0]), Value: []byte(h[1])})
			}
			if r.Timestamp != nil {
				m.Timestamp = time.Unix(0, *r.Timestamp*int64(time.Millisecond))
			}
			msgs[i] = m
		}
		err = p.SendMessages(msgs)
		p.Close()
		if err != nil {
			return nil, err
		}
		got := make([]int64, len(msgs))
		for i, m := range msgs {
			got[i] = m.Offset
		}
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

func consume(req request) (interface{}, error) {
	c := config()
	c.Consumer.MaxWaitTime = 200 * time.Millisecond
	consumer, err := sarama.NewConsumer([]string{req.Bootstrap}, c)
	if err != nil {
		return nil, err
	}
	defer consumer.Close()
	pc, err := consumer.ConsumePartition(req.Topic, req.Partition, sarama.OffsetOldest)
	if err != nil {
		return nil, err
	}
	defer pc.Close()
	out := []consumed{}
	deadline := time.After(time.Duration(req.TimeoutMs) * time.Millisecond)
	for len(out) < req.Count {
		select {
		case m := <-pc.Messages():
			hs := [][2]string{}
			for _, h := range m.Headers {
				hs = append(hs, [2]string{string(h.Key), string(h.Value)})
			}
			out = append(out, consumed{Offset: m.Offset, Timestamp: m.Timestamp.UnixNano() / int64(time.Millisecond), Key: str(m.Key), Value: string(m.Value), Headers: hs})
		case e := <-pc.Errors():
			return nil, e
		case <-deadline:
			return map[string]interface{}{"records": out}, nil
		}
	}
	return map[string]interface{}{"records": out}, nil
}

func offsets(req request) (interface{}, error) {
	client, err := sarama.NewClient([]string{req.Bootstrap}, config())
	if err != nil {
		return nil, err
	}
	defer client.Close()
	earliest, err := client.GetOffset(req.Topic, req.Partition, sarama.OffsetOldest)
	if err != nil {
		return nil, err
	}
	latest, err := client.GetOffset(req.Topic, req.Partition, sarama.OffsetNewest)
	if err != nil {
		return nil, err
	}
	byTs := []interface{}{}
	for _, t := range req.Timestamps {
		o, err := client.GetOffset(req.Topic, req.Partition, t)
		if err != nil {
			return nil, err
		}
		if o < 0 {
			byTs = append(byTs, nil)
		} else {
			// sarama's GetOffset reports the offset only.
			byTs = append(byTs, map[string]interface{}{"offset": o, "timestamp": nil})
		}
	}
	return map[string]interface{}{"earliest": earliest, "latest": latest, "byTimestamp": byTs}, nil
}
