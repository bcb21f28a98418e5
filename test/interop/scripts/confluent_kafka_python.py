# Interop helper for confluent-kafka-python (Debian python3-confluent-kafka, on librdkafka), driven
# by test/interop/confluent-kafka-python.test.ts. Reads one JSON request on stdin ({"op": ...,
# "bootstrap": ...}), prints one JSON result on stdout. Strings are UTF-8 (null = None).
import json
import sys
import time

from confluent_kafka import OFFSET_BEGINNING, Consumer, KafkaException, Producer, TopicPartition
from confluent_kafka.admin import AdminClient, NewTopic


def enc(s):
    return None if s is None else s.encode('utf-8')


def dec(b):
    return None if b is None else b.decode('utf-8')


def create(req):
    admin = AdminClient({'bootstrap.servers': req['bootstrap']})
    futures = admin.create_topics([NewTopic(req['topic'], num_partitions=req['partitions'], replication_factor=1)], request_timeout=10)
    for f in futures.values():
        f.result(10)
    return {'created': list(futures.keys())}


def produce(req):
    offsets = []
    for group in req['groups']:
        conf = {
            'bootstrap.servers': req['bootstrap'],
            'compression.type': group['codec'],
            'linger.ms': 50,
            'acks': 'all',
        }
        if req.get('idempotent'):
            conf['enable.idempotence'] = True
        producer = Producer(conf)
        # Ask for the topic's metadata now: otherwise librdkafka's first produce to a topic it has
        # not seen waits for its 1 s topic scan.
        producer.list_topics(req['topic'], timeout=10)
        results = [None] * len(group['records'])
        errors = []

        def report(i):
            def cb(err, msg):
                if err is not None:
                    errors.append(str(err))
                else:
                    results[i] = msg.offset()
            return cb

        for i, r in enumerate(group['records']):
            kwargs = {}
            if r.get('timestamp') is not None:
                kwargs['timestamp'] = r['timestamp']
            producer.produce(
                req['topic'],
                value=enc(r['value']),
                key=enc(r['key']),
                partition=req['partition'],
                headers=[(h[0], enc(h[1])) for h in r['headers']],
                on_delivery=report(i),
                **kwargs,
            )
        left = producer.flush(15)
        if left or errors:
            raise RuntimeError(f'{left} undelivered, errors: {errors}')
        offsets.append(results)
    return {'offsets': offsets}


def consumer_for(req):
    return Consumer({
        'bootstrap.servers': req['bootstrap'],
        'group.id': 'kwasm-interop-assign-only',
        'enable.auto.commit': False,
        'enable.partition.eof': True,
    })


def consume(req):
    consumer = consumer_for(req)
    try:
        consumer.assign([TopicPartition(req['topic'], req['partition'], OFFSET_BEGINNING)])
        out = []
        deadline = time.time() + req.get('timeoutMs', 10000) / 1000
        while len(out) < req['count'] and time.time() < deadline:
            m = consumer.poll(0.2)
            if m is None:
                continue
            if m.error():
                if m.error().code() == -191:  # _PARTITION_EOF
                    continue
                raise KafkaException(m.error())
            out.append({
                'offset': m.offset(),
                'timestamp': m.timestamp()[1],
                'key': dec(m.key()),
                'value': dec(m.value()),
                'headers': [[k, dec(v)] for k, v in (m.headers() or [])],
            })
        return {'records': out}
    finally:
        consumer.close()


def offsets(req):
    consumer = consumer_for(req)
    try:
        low, high = consumer.get_watermark_offsets(TopicPartition(req['topic'], req['partition']), timeout=10)
        by_ts = []
        for t in req['timestamps']:
            [found] = consumer.offsets_for_times([TopicPartition(req['topic'], req['partition'], t)], timeout=10)
            if found.error:
                raise KafkaException(found.error)
            # The client reports the offset only (no timestamp); -1 (OFFSET_END) = none.
            by_ts.append(None if found.offset < 0 else {'offset': found.offset, 'timestamp': None})
        return {'earliest': low, 'latest': high, 'byTimestamp': by_ts}
    finally:
        consumer.close()


OPS = {'create': create, 'produce': produce, 'consume': consume, 'offsets': offsets}

if __name__ == '__main__':
    request = json.load(sys.stdin)
    print(json.dumps(OPS[request['op']](request)))
