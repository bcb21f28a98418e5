// Transactions with sarama (Debian golang-github-shopify-sarama-dev 1.22), driven by
// test/interop/txn-sarama.test.ts: reads one JSON request on stdin, prints one JSON result.
// Sarama 1.22 has no transactional producer, but it speaks every transaction API: this helper runs
// the protocol itself with sarama's request types (FindCoordinator for a transactional id,
// InitProducerID, AddPartitionsToTxn, AddOffsetsToTxn, Produce of transactional record batches,
// EndTxn) and reads back with sarama's consumer at ReadCommitted or ReadUncommitted.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"

	"github.com/Shopify/sarama"
)

type txn struct {
	Commit  bool `json:"commit"`
	Records []struct {
		Partition int32  `json:"partition"`
		Value     string `json:"value"`
	} `json:"records"`
}

type request struct {
	Op              string  `json:"op"`
	Bootstrap       string  `json:"bootstrap"`
	Topic           string  `json:"topic"`
	TransactionalID string  `json:"transactionalId"`
	Group           string  `json:"group"`
	Txns            []txn   `json:"txns"`
	Partitions      []int32 `json:"partitions"`
	Isolation       string  `json:"isolation"`
	Count           int     `json:"count"`
	TimeoutMs       int     `json:"timeoutMs"`
}

func config() *sarama.Config {
	c := sarama.NewConfig()
	c.ClientID = "kwasm-txn-interop"
	c.Version = sarama.V2_1_0_0
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
	case "transactions":
		out, err = transactions(req)
	case "consume":
		out, err = consume(req)
	default:
		err = fmt.Errorf("unknown op %q", req.Op)
	}
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

func kerr(what string, e sarama.KError) error {
	if e == sarama.ErrNoError {
		return nil
	}
	return fmt.Errorf("%s: %v (%d)", what, e, int16(e))
}

// retry re-sends while the coordinator answers CONCURRENT_TRANSACTIONS (a transaction still completing).
func retry(f func() (sarama.KError, error)) error {
	for i := 0; i < 100; i++ {
		e, err := f()
		if err != nil {
			return err
		}
		if e != sarama.ErrConcurrentTransactions {
			return kerr("request", e)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("CONCURRENT_TRANSACTIONS for too long")
}

func transactions(req request) (interface{}, error) {
	cfg := config()
	boot := sarama.NewBroker(req.Bootstrap)
	if err := boot.Open(cfg); err != nil {
		return nil, err
	}
	defer boot.Close()
	fc, err := boot.FindCoordinator(&sarama.FindCoordinatorRequest{Version: 1, CoordinatorKey: req.TransactionalID, CoordinatorType: sarama.CoordinatorTransaction})
	if err != nil {
		return nil, err
	}
	if err := kerr("FindCoordinator", fc.Err); err != nil {
		return nil, err
	}
	coord := sarama.NewBroker(fc.Coordinator.Addr())
	if err := coord.Open(cfg); err != nil {
		return nil, err
	}
	defer coord.Close()
	id := req.TransactionalID
	var pid int64
	var epoch int16
	if err := retry(func() (sarama.KError, error) {
		r, err := coord.InitProducerID(&sarama.InitProducerIDRequest{TransactionalID: &id, TransactionTimeout: 60 * time.Second})
		if err != nil {
			return 0, err
		}
		pid, epoch = r.ProducerID, r.ProducerEpoch
		return r.Err, nil
	}); err != nil {
		return nil, err
	}
	seq := map[int32]int32{}
	offsets := [][2]int64{}
	for n, t := range req.Txns {
		parts := map[int32][]string{}
		for _, r := range t.Records {
			parts[r.Partition] = append(parts[r.Partition], r.Value)
		}
		list := []int32{}
		for p := range parts {
			list = append(list, p)
		}
		sort.Slice(list, func(i, j int) bool { return list[i] < list[j] })
		if err := retry(func() (sarama.KError, error) {
			r, err := coord.AddPartitionsToTxn(&sarama.AddPartitionsToTxnRequest{TransactionalID: id, ProducerID: pid, ProducerEpoch: epoch, TopicPartitions: map[string][]int32{req.Topic: list}})
			if err != nil {
				return 0, err
			}
			for _, pe := range r.Errors[req.Topic] {
				if pe.Err != sarama.ErrNoError {
					return pe.Err, nil
				}
			}
			return sarama.ErrNoError, nil
		}); err != nil {
			return nil, fmt.Errorf("AddPartitionsToTxn (transaction %d): %v", n, err)
		}
		if req.Group != "" {
			if err := retry(func() (sarama.KError, error) {
				r, err := coord.AddOffsetsToTxn(&sarama.AddOffsetsToTxnRequest{TransactionalID: id, ProducerID: pid, ProducerEpoch: epoch, GroupID: req.Group})
				if err != nil {
					return 0, err
				}
				return r.Err, nil
			}); err != nil {
				return nil, fmt.Errorf("AddOffsetsToTxn: %v", err)
			}
		}
		produce := &sarama.ProduceRequest{TransactionalID: &id, RequiredAcks: sarama.WaitForAll, Timeout: 5000, Version: 3}
		now := time.Now()
		for _, p := range list {
			batch := &sarama.RecordBatch{Version: 2, IsTransactional: true, ProducerID: pid, ProducerEpoch: epoch, FirstSequence: seq[p], FirstTimestamp: now, MaxTimestamp: now}
			for i, v := range parts[p] {
				batch.Records = append(batch.Records, &sarama.Record{OffsetDelta: int64(i), Value: []byte(v)})
			}
			batch.LastOffsetDelta = int32(len(parts[p]) - 1)
			produce.AddBatch(req.Topic, p, batch)
			seq[p] += int32(len(parts[p]))
		}
		pr, err := coord.Produce(produce)
		if err != nil {
			return nil, err
		}
		for _, p := range list {
			b := pr.GetBlock(req.Topic, p)
			if b == nil {
				return nil, fmt.Errorf("no produce result for partition %d", p)
			}
			if err := kerr("Produce", b.Err); err != nil {
				return nil, err
			}
			offsets = append(offsets, [2]int64{int64(p), b.Offset})
		}
		if err := retry(func() (sarama.KError, error) {
			r, err := coord.EndTxn(&sarama.EndTxnRequest{TransactionalID: id, ProducerID: pid, ProducerEpoch: epoch, TransactionResult: t.Commit})
			if err != nil {
				return 0, err
			}
			return r.Err, nil
		}); err != nil {
			return nil, fmt.Errorf("EndTxn: %v", err)
		}
	}
	return map[string]interface{}{"producerId": pid, "epoch": epoch, "baseOffsets": offsets}, nil
}

func consume(req request) (interface{}, error) {
	cfg := config()
	if req.Isolation == "read_committed" {
		cfg.Consumer.IsolationLevel = sarama.ReadCommitted
	} else {
		cfg.Consumer.IsolationLevel = sarama.ReadUncommitted
	}
	cfg.Consumer.MaxWaitTime = 100 * time.Millisecond
	c, err := sarama.NewConsumer([]string{req.Bootstrap}, cfg)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	out := [][]interface{}{}
	msgs := make(chan *sarama.ConsumerMessage, 1024)
	for _, p := range req.Partitions {
		pc, err := c.ConsumePartition(req.Topic, p, sarama.OffsetOldest)
		if err != nil {
			return nil, err
		}
		defer pc.Close()
		go func(pc sarama.PartitionConsumer) {
			for m := range pc.Messages() {
				msgs <- m
			}
		}(pc)
	}
	deadline := time.After(time.Duration(req.TimeoutMs) * time.Millisecond)
	var settle <-chan time.Time
	for {
		select {
		case m := <-msgs:
			out = append(out, []interface{}{m.Partition, m.Offset, string(m.Value)})
			if len(out) >= req.Count && settle == nil {
				settle = time.After(400 * time.Millisecond)
			}
		case <-settle:
			return map[string]interface{}{"records": out}, nil
		case <-deadline:
			return map[string]interface{}{"records": out}, nil
		}
	}
}
