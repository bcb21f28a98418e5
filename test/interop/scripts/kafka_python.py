# Interop helper for kafka-python (Debian python3-kafka), driven by test/interop/kafka-python.test.ts.
# Reads one JSON request on stdin ({"op": ..., "bootstrap": ...}), prints one JSON result on stdout.
# Keys, values and header values travel as UTF-8 strings (null = None).
import json
import sys
import time

from kafka import KafkaAdminClient, KafkaConsumer, KafkaProducer, TopicPartition
from kafka.admin import NewTopic


def enc(s):
    return None if s is None else s.encode('utf-8')


def dec(b):
    return None if b is None else b.decode('utf-8')


def create(req):
    admin = KafkaAdminClient(bootstrap_servers=req['bootstrap'], client_id='kwasm-interop')
    try:
        resp = admin.create_topics([NewTopic(req['topic'], req['partitions'], 1)], timeout_ms=5000)
        return {'errors': [[t[0], t[1]] for t in resp.topic_errors]}
    finally:
        admin.close()


def produce(req):
    # One producer per group, so each group's batches use that group's codec.
    offsets = []
    for group in req['groups']:
        codec = group['codec']
        producer = KafkaProducer(
            bootstrap_servers=req['bootstrap'],
            client_id='kwasm-interop',
            compression_type=None if codec == 'none' else codec,
            acks=req.get('acks', -1),
            linger_ms=50,
        )
        try:
            futures = [
                producer.send(
                    req['topic'],
                    key=enc(r['key']),
                    value=enc(r['value']),
                    headers=[(h[0], enc(h[1])) for h in r['headers']],
                    partition=req['partition'],
                    timestamp_ms=r.get('timestamp'),
                )
                for r in group['records']
            ]
            producer.flush(10)
            offsets.append([f.get(timeout=10).offset for f in futures])
        finally:
            producer.close(5)
    return {'offsets': offsets}


def consumer_for(req):
    return KafkaConsumer(
        bootstrap_servers=req['bootstrap'],
        client_id='kwasm-interop',
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset='earliest',
    )


def consume(req):
    consumer = consumer_for(req)
    try:
        tp = TopicPartition(req['topic'], req['partition'])
        consumer.assign([tp])
        consumer.seek_to_beginning(tp)
        out = []
        deadline = time.time() + req.get('timeoutMs', 10000) / 1000
        while len(out) < req['count'] and time.time() < deadline:
            for records in consumer.poll(timeout_ms=200).values():
                for m in records:
                    out.append({
                        'offset': m.offset,
                        'timestamp': m.timestamp,
                        'key': dec(m.key),
                        'value': dec(m.value),
                        'headers': [[k, dec(v)] for k, v in m.headers],
                    })
        return {'records': out}
    finally:
        consumer.close()


def offsets(req):
    consumer = consumer_for(req)
    try:
        tp = TopicPartition(req['topic'], req['partition'])
        result = {
            'earliest': consumer.beginning_offsets([tp])[tp],
            'latest': consumer.end_offsets([tp])[tp],
            'byTimestamp': [],
        }
        for t in req['timestamps']:
            found = consumer.offsets_for_times({tp: t})[tp]
            result['byTimestamp'].append(None if found is None else {'offset': found.offset, 'timestamp': found.timestamp})
        return result
    finally:
        consumer.close()


OPS = {'create': create, 'produce': produce, 'consume': consume, 'offsets': offsets}

if __name__ == '__main__':
    request = json.load(sys.stdin)
    print(json.dumps(OPS[request['op']](request)))
