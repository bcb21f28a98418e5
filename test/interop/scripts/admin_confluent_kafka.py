# Admin interop helper for confluent-kafka-python (Debian python3-confluent-kafka 1.7.0 over
# librdkafka 2.0.2), driven by test/interop/admin-python.test.ts. Reads one JSON request on stdin,
# does one AdminClient call, prints one JSON line: results per resource, or the broker's error
# (code and name) when the call fails.
import json
import sys

from confluent_kafka import KafkaException
from confluent_kafka.admin import AdminClient, ConfigResource, NewPartitions


def entry(e):
    return {
        'value': e.value,
        'source': int(e.source),
        'read_only': e.is_read_only,
        'default': e.is_default,
        'sensitive': e.is_sensitive,
        'synonyms': [[s.name, s.value, int(s.source)] for s in e.synonyms.values()],
    }


def outcome(fut, ok):
    try:
        return {'ok': ok(fut.result(timeout=15))}
    except KafkaException as ex:
        err = ex.args[0]
        return {'error': err.code(), 'name': err.name(), 'message': err.str()}


def describe_configs(admin, req):
    out = []
    for r in req['resources']:
        futs = admin.describe_configs([ConfigResource(r['type'], r['name'])], request_timeout=10)
        for fut in futs.values():
            out.append(outcome(fut, lambda cfg: {name: entry(e) for name, e in cfg.items()}))
    return out


def alter_configs(admin, req):
    out = []
    for r in req['resources']:
        futs = admin.alter_configs([ConfigResource(r['type'], r['name'], set_config=r['configs'])], request_timeout=10, validate_only=req.get('validate_only', False))
        for fut in futs.values():
            out.append(outcome(fut, lambda _: True))
    return out


def create_partitions(admin, req):
    futs = admin.create_partitions([NewPartitions(req['topic'], req['count'])], request_timeout=10, validate_only=req.get('validate_only', False))
    return [outcome(f, lambda _: True) for f in futs.values()]


def main():
    req = json.loads(sys.stdin.read())
    admin = AdminClient({'bootstrap.servers': req['bootstrap'], 'client.id': 'kwasm-admin-interop'})
    fn = {'describe_configs': describe_configs, 'alter_configs': alter_configs, 'create_partitions': create_partitions}[req['op']]
    print(json.dumps(fn(admin, req)))


main()
