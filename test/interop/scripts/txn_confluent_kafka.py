# Transactions with confluent-kafka-python (Debian python3-confluent-kafka on librdkafka), driven by
# test/interop/txn-*.test.ts. Reads one JSON request on stdin ({"op": ..., "bootstrap": ...}) and
# prints one JSON result on stdout.
#
#   transactions  init_transactions, then per transaction: begin, produce, flush, commit or abort
#   consume       assign() every partition from the beginning at an isolation level; read `count`
#                 records, then keep polling briefly for anything that should not be there
#   fence         a transaction left open by one producer, then a second producer with the same
#                 transactional id: the first one's commit must fail as fenced
#   eos           consume-transform-produce with send_offsets_to_transaction: read `input` in group
#                 `group` (read_committed), write each value upper-cased to `output` in the same
#                 transaction as the consumed offsets, until idle; optionally die (os._exit) after
#                 `crashAfter` committed transactions, or with a transaction open whose records and
#                 offsets are written (`crashBeforeCommit` = after that many commits)
import json
import os
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition


def enc(s):
    return None if s is None else s.encode('utf-8')


def dec(b):
    return None if b is None else b.decode('utf-8')


def producer(req, txn_id, **extra):
    conf = {
        'bootstrap.servers': req['bootstrap'],
        'transactional.id': txn_id,
        'transaction.timeout.ms': req.get('transactionTimeoutMs', 60000),
        'linger.ms': 5,
    }
    conf.update(extra)
    return Producer(conf)


def transactions(req):
    p = producer(req, req['transactionalId'])
    p.init_transactions(15)
    p.list_topics(req['topic'], timeout=10)
    for t in req['txns']:
        p.begin_transaction()
        for r in t['records']:
            p.produce(req['topic'], value=enc(r['value']), key=enc(r.get('key')), partition=r.get('partition', 0))
        # librdkafka drops messages still queued when aborting: flush so that they are written
        # (and must then be hidden by the abort).
        p.flush(15)
        if t['commit']:
            p.commit_transaction(15)
        else:
            p.abort_transaction(15)
    return {'ok': True}


def consume(req):
    iso = 'read_committed' if req['isolation'] == 'read_committed' else 'read_uncommitted'
    c = Consumer({
        'bootstrap.servers': req['bootstrap'],
        'group.id': 'txn-interop-%d' % os.getpid(),
        'isolation.level': iso,
        'enable.auto.commit': False,
        'fetch.wait.max.ms': 50,
    })
    c.assign([TopicPartition(req['topic'], p, OFFSET_BEGINNING) for p in req['partitions']])
    out = []
    deadline = time.time() + req.get('timeoutMs', 10000) / 1000.0
    settle = None
    while time.time() < deadline:
        if settle is not None and time.time() > settle:
            break
        m = c.poll(0.1)
        if m is None:
            continue
        if m.error():
            if m.error().code() == -191:  # partition EOF
                continue
            raise KafkaException(m.error())
        out.append([m.partition(), m.offset(), dec(m.value())])
        if len(out) >= req['count'] and settle is None:
            settle = time.time() + 0.4
    c.close()
    return {'records': out}


def fence(req):
    p1 = producer(req, req['transactionalId'])
    p1.init_transactions(15)
    p1.list_topics(req['topic'], timeout=10)
    p1.begin_transaction()
    p1.produce(req['topic'], value=b'zombie', partition=0)
    p1.flush(15)
    p2 = producer(req, req['transactionalId'])
    p2.init_transactions(15)
    err = None
    try:
        p1.commit_transaction(15)
    except KafkaException as e:
        err = e.args[0]
    p2.begin_transaction()
    p2.produce(req['topic'], value=b'fresh', partition=0)
    p2.commit_transaction(15)
    return {'fenced': err is not None and err.fatal(), 'error': None if err is None else err.name()}


def eos(req):
    c = Consumer({
        'bootstrap.servers': req['bootstrap'],
        'group.id': req['group'],
        'isolation.level': 'read_committed',
        'enable.auto.commit': False,
        'auto.offset.reset': 'earliest',
        'fetch.wait.max.ms': 50,
        'session.timeout.ms': req.get('sessionTimeoutMs', 6000),
        'heartbeat.interval.ms': 300,
    })
    p = producer(req, req['transactionalId'])
    p.init_transactions(30)
    c.subscribe([req['input']])
    committed = 0
    processed = 0
    last_msg = None
    batch_size = req.get('batchSize', 7)
    deadline = time.time() + req.get('timeoutMs', 30000) / 1000.0
    while time.time() < deadline:
        msgs = [m for m in c.consume(batch_size, 0.2) if not m.error()]
        if not msgs:
            if last_msg is not None and time.time() - last_msg > req.get('idleMs', 1500) / 1000.0:
                break
            continue
        last_msg = time.time()
        p.begin_transaction()
        for m in msgs:
            p.produce(req['output'], key=m.key(), value=dec(m.value()).upper().encode('utf-8'), partition=m.partition())
        offsets = {}
        for m in msgs:
            offsets[(m.topic(), m.partition())] = m.offset() + 1
        p.send_offsets_to_transaction([TopicPartition(t, part, o) for (t, part), o in offsets.items()], c.consumer_group_metadata(), 15)
        if req.get('crashBeforeCommit') is not None and committed == req['crashBeforeCommit']:
            # Records and offsets are written, the transaction is open: die without ending it.
            p.flush(15)
            os._exit(3)
        p.commit_transaction(15)
        committed += 1
        processed += len(msgs)
        if req.get('crashAfter') is not None and committed >= req['crashAfter']:
            os._exit(3)
    c.close()
    return {'transactions': committed, 'processed': processed}


OPS = {'transactions': transactions, 'consume': consume, 'fence': fence, 'eos': eos}

if __name__ == '__main__':
    request = json.loads(sys.stdin.read())
    print(json.dumps(OPS[request['op']](request)))
