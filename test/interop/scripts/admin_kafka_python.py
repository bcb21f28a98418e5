# Admin interop helper for kafka-python (Debian python3-kafka 2.0.2), driven by
# test/interop/admin-python.test.ts. Reads one JSON request on stdin ({"op": ..., "bootstrap": ...}),
# does one KafkaAdminClient call, prints the broker's answer as one JSON line on stdout.
# kafka-python 2.0.2 negotiates DescribeConfigs v2, AlterConfigs v1 and CreatePartitions v1 at most.
import json
import sys

from kafka import KafkaAdminClient
from kafka.errors import KafkaError
from kafka.admin import ConfigResource, ConfigResourceType, NewPartitions

TYPES = {'topic': ConfigResourceType.TOPIC, 'broker': ConfigResourceType.BROKER}


def describe_configs(admin, req):
    # kafka-python takes the keys to describe as a dict's keys (None: all).
    resources = [ConfigResource(TYPES[r['type']], r['name'], dict.fromkeys(r['keys']) if r.get('keys') else None) for r in req['resources']]
    out = []
    for resp in admin.describe_configs(resources, include_synonyms=req.get('synonyms', False)):
        obj = resp.to_object()
        out.append({'version': resp.API_VERSION, 'resources': obj['resources']})
    return out


def alter_configs(admin, req):
    resources = [ConfigResource(TYPES[r['type']], r['name'], r['configs']) for r in req['resources']]
    resp = admin.alter_configs(resources)
    return {'version': resp.API_VERSION, 'resources': resp.to_object()['resources']}


def create_partitions(admin, req):
    # kafka-python raises the topic's error (it goes through _send_request_to_controller).
    try:
        resp = admin.create_partitions({req['topic']: NewPartitions(req['count'])}, timeout_ms=5000, validate_only=req.get('validate_only', False))
    except KafkaError as e:
        return {'error': e.errno, 'message': str(e)}
    return {'version': resp.API_VERSION, 'topic_errors': resp.to_object()['topic_errors']}


def main():
    req = json.loads(sys.stdin.read())
    admin = KafkaAdminClient(bootstrap_servers=req['bootstrap'], client_id='kwasm-admin-interop', request_timeout_ms=10000)
    try:
        result = {'describe_configs': describe_configs, 'alter_configs': alter_configs, 'create_partitions': create_partitions}[req['op']](admin, req)
    finally:
        admin.close()
    print(json.dumps(result))


main()
