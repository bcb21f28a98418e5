/*
 * rdkafka-perf: the librdkafka load generator of bench/broker.ts (Debian's librdkafka ships
 * rdkafka_performance.c only as an example that needs librdkafka's private headers, so this is
 * a small stand-alone one). bench/broker.ts compiles it with `cc -O2 ... -lrdkafka -lpthread`.
 *
 *   rdkafka-perf produce -b HOST:PORT -t TOPIC -n RECORDS -s SIZE [-p PARTITION] [-X key=value]...
 *   rdkafka-perf consume -b HOST:PORT -t TOPIC -n RECORDS [-p PARTITION] [-X key=value]...
 *   rdkafka-perf e2e     -b HOST:PORT -t TOPIC -n RECORDS -s SIZE -r RATE [-X key=value]...
 *
 * Each prints one JSON line: records, bytes (values), seconds and, for produce and e2e, latency
 * percentiles in ms. produce: latency is from producev() to the delivery report. e2e: a producer
 * paced at RATE records/s and a consumer (legacy simple consumer, no group) in one process; the
 * payload carries the monotonic send time, so latency is produce -> consume on one clock.
 * -X sets any librdkafka property (acks, linger.ms, batch.size, compression.type, ...).
 */
#include <librdkafka/rdkafka.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Latency histogram: 10 us buckets up to 10 s. */
#define BUCKETS 1000000
static uint32_t *hist;
static double lat_sum, lat_max;
static long lat_n;

static void lat_record(double ms) {
  long b = (long)(ms * 100.0);
  if (b < 0) b = 0;
  if (b >= BUCKETS) b = BUCKETS - 1;
  hist[b]++;
  lat_sum += ms;
  if (ms > lat_max) lat_max = ms;
  lat_n++;
}

static double lat_pct(double p) {
  long target = (long)(p * lat_n), seen = 0;
  for (long b = 0; b < BUCKETS; b++) {
    seen += hist[b];
    if (seen > target) return (b + 1) / 100.0;
  }
  return lat_max;
}

static void die(const char *what, const char *msg) {
  fprintf(stderr, "rdkafka-perf: %s: %s\n", what, msg);
  exit(1);
}

static const char *brokers = "127.0.0.1:9092", *topic = "bench";
static long records = 1000000, size = 100, rate = 10000;
static int partition = 0;
static char *props[64];
static int nprops = 0;
static volatile long delivered = 0, failed = 0;
static char errstr[512];

static rd_kafka_conf_t *make_conf(void) {
  rd_kafka_conf_t *conf = rd_kafka_conf_new();
  if (rd_kafka_conf_set(conf, "bootstrap.servers", brokers, errstr, sizeof errstr)) die("conf", errstr);
  for (int i = 0; i < nprops; i++) {
    char *eq = strchr(props[i], '=');
    if (!eq) die("-X", props[i]);
    *eq = 0;
    if (rd_kafka_conf_set(conf, props[i], eq + 1, errstr, sizeof errstr)) die(props[i], errstr);
    *eq = '=';
  }
  return conf;
}

static void dr_cb(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err) {
    if (failed++ == 0) fprintf(stderr, "rdkafka-perf: delivery failed: %s\n", rd_kafka_err2str(m->err));
    return;
  }
  delivered++;
  /* For a producer's delivery report, _private is the message opaque (the send time in us). */
  double sent = (double)(intptr_t)m->_private / 1000.0;
  lat_record(now_ms() - sent);
}

static void print_latency(void) {
  printf(", \"latency\": {\"avg\": %.3f, \"max\": %.3f, \"p50\": %.3f, \"p95\": %.3f, \"p99\": %.3f, \"p999\": %.3f}",
         lat_n ? lat_sum / lat_n : 0, lat_max, lat_pct(0.5), lat_pct(0.95), lat_pct(0.99), lat_pct(0.999));
}

static int produce(void) {
  rd_kafka_conf_t *conf = make_conf();
  rd_kafka_conf_set_dr_msg_cb(conf, dr_cb);
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (!rk) die("producer", errstr);
  char *payload = malloc(size);
  for (long i = 0; i < size; i++) payload[i] = 'A' + rand() % 26;
  /* Connect and learn the topic before the clock starts (as the Java perf tool does). */
  const struct rd_kafka_metadata *md;
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  if (rd_kafka_metadata(rk, 0, rkt, &md, 10000)) die("metadata", "timed out");
  rd_kafka_metadata_destroy(md);
  double t0 = now_ms();
  for (long i = 0; i < records; i++) {
    /* The send time travels in the message opaque, in microseconds. */
    intptr_t sent_us = (intptr_t)(now_ms() * 1000.0);
    for (;;) {
      rd_kafka_resp_err_t err = rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                                                  RD_KAFKA_V_VALUE(payload, (size_t)size), RD_KAFKA_V_OPAQUE((void *)sent_us),
                                                  RD_KAFKA_V_END);
      if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
        rd_kafka_poll(rk, 1);
        continue;
      }
      if (err) die("produce", rd_kafka_err2str(err));
      break;
    }
    if ((i & 1023) == 0) rd_kafka_poll(rk, 0);
  }
  rd_kafka_flush(rk, 60000);
  double secs = (now_ms() - t0) / 1000.0;
  printf("{\"mode\": \"produce\", \"records\": %ld, \"failed\": %ld, \"bytes\": %ld, \"seconds\": %.4f", delivered, failed, delivered * size, secs);
  print_latency();
  printf("}\n");
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return failed ? 1 : 0;
}

static int consume(void) {
  rd_kafka_conf_t *conf = make_conf();
  rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr);
  if (!rk) die("consumer", errstr);
  rd_kafka_topic_t *rkt = rd_kafka_topic_new(rk, topic, NULL);
  const struct rd_kafka_metadata *md;
  if (rd_kafka_metadata(rk, 0, rkt, &md, 10000)) die("metadata", "timed out");
  rd_kafka_metadata_destroy(md);
  double t0 = now_ms();
  if (rd_kafka_consume_start(rkt, partition, RD_KAFKA_OFFSET_BEGINNING) == -1) die("consume_start", rd_kafka_err2str(rd_kafka_last_error()));
  long n = 0, bytes = 0;
  rd_kafka_message_t *msgs[10000];
  double last = now_ms();
  while (n < records) {
    ssize_t got = rd_kafka_consume_batch(rkt, partition, 1000, msgs, 10000);
    if (got < 0) die("consume", rd_kafka_err2str(rd_kafka_last_error()));
    for (ssize_t i = 0; i < got; i++) {
      if (!msgs[i]->err) {
        n++;
        bytes += msgs[i]->len;
      }
      rd_kafka_message_destroy(msgs[i]);
    }
    if (got > 0) last = now_ms();
    else if (now_ms() - last > 10000) break;
  }
  double secs = (now_ms() - t0) / 1000.0;
  rd_kafka_consume_stop(rkt, partition);
  printf("{\"mode\": \"consume\", \"records\": %ld, \"bytes\": %ld, \"seconds\": %.4f}\n", n, bytes, secs);
  rd_kafka_topic_destroy(rkt);
  rd_kafka_destroy(rk);
  return n < records ? 1 : 0;
}

static rd_kafka_topic_t *e2e_rkt;
static volatile long e2e_received = 0;

static void *e2e_consumer(void *arg) {
  (void)arg;
  double last = now_ms();
  /* One message at a time: rd_kafka_consume_batch() would wait for a full batch or its timeout. */
  while (e2e_received < records) {
    rd_kafka_message_t *m = rd_kafka_consume(e2e_rkt, partition, 100);
    double t = now_ms();
    if (!m) {
      if (t - last > 10000) break;
      continue;
    }
    if (!m->err && m->len >= sizeof(double)) {
      double sent;
      memcpy(&sent, m->payload, sizeof sent);
      lat_record(t - sent);
      e2e_received++;
      last = t;
    }
    rd_kafka_message_destroy(m);
  }
  return NULL;
}

static void dr_quiet(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque) {
  (void)rk;
  (void)opaque;
  if (m->err) {
    if (failed++ == 0) fprintf(stderr, "rdkafka-perf: delivery failed: %s\n", rd_kafka_err2str(m->err));
  } else {
    delivered++;
  }
}

static int e2e(void) {
  if (size < (long)sizeof(double)) size = sizeof(double);
  rd_kafka_conf_t *pconf = make_conf();
  rd_kafka_conf_set_dr_msg_cb(pconf, dr_quiet);
  rd_kafka_t *prod = rd_kafka_new(RD_KAFKA_PRODUCER, pconf, errstr, sizeof errstr);
  if (!prod) die("producer", errstr);
  rd_kafka_t *cons = rd_kafka_new(RD_KAFKA_CONSUMER, make_conf(), errstr, sizeof errstr);
  if (!cons) die("consumer", errstr);
  rd_kafka_topic_t *prkt = rd_kafka_topic_new(prod, topic, NULL);
  e2e_rkt = rd_kafka_topic_new(cons, topic, NULL);
  const struct rd_kafka_metadata *md;
  if (rd_kafka_metadata(prod, 0, prkt, &md, 10000)) die("metadata", "timed out");
  rd_kafka_metadata_destroy(md);
  if (rd_kafka_consume_start(e2e_rkt, partition, RD_KAFKA_OFFSET_END) == -1) die("consume_start", rd_kafka_err2str(rd_kafka_last_error()));
  /* Let the consumer resolve the end offset and start fetching before producing. */
  usleep(500000);
  pthread_t th;
  pthread_create(&th, NULL, e2e_consumer, NULL);
  char *payload = calloc(1, size);
  double t0 = now_ms();
  for (long i = 0; i < records; i++) {
    double due = t0 + i * 1000.0 / rate;
    double t;
    while ((t = now_ms()) < due) {
      double wait = due - t;
      if (wait > 0.2) rd_kafka_poll(prod, 0), usleep((useconds_t)((wait - 0.1) * 1000));
    }
    t = now_ms();
    memcpy(payload, &t, sizeof t);
    rd_kafka_resp_err_t err = rd_kafka_producev(prod, RD_KAFKA_V_RKT(prkt), RD_KAFKA_V_PARTITION(partition),
                                                RD_KAFKA_V_VALUE(payload, (size_t)size), RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                                RD_KAFKA_V_END);
    if (err) die("produce", rd_kafka_err2str(err));
    rd_kafka_poll(prod, 0);
  }
  rd_kafka_flush(prod, 60000);
  pthread_join(th, NULL);
  double secs = (now_ms() - t0) / 1000.0;
  printf("{\"mode\": \"e2e\", \"records\": %ld, \"delivered\": %ld, \"failed\": %ld, \"seconds\": %.4f, \"rate\": %ld", (long)e2e_received, delivered, failed, secs, rate);
  print_latency();
  printf("}\n");
  rd_kafka_consume_stop(e2e_rkt, partition);
  rd_kafka_topic_destroy(prkt);
  rd_kafka_topic_destroy(e2e_rkt);
  rd_kafka_destroy(prod);
  rd_kafka_destroy(cons);
  return e2e_received < records ? 1 : 0;
}

int main(int argc, char **argv) {
  if (argc < 2) die("usage", "rdkafka-perf produce|consume|e2e -b brokers -t topic -n records -s size -r rate -p partition -X k=v");
  const char *mode = argv[1];
  int opt;
  optind = 2;
  while ((opt = getopt(argc, argv, "b:t:n:s:r:p:X:")) != -1) {
    switch (opt) {
      case 'b': brokers = optarg; break;
      case 't': topic = optarg; break;
      case 'n': records = atol(optarg); break;
      case 's': size = atol(optarg); break;
      case 'r': rate = atol(optarg); break;
      case 'p': partition = atoi(optarg); break;
      case 'X':
        if (nprops < 64) props[nprops++] = optarg;
        break;
      default: die("usage", "unknown option");
    }
  }
  hist = calloc(BUCKETS, sizeof *hist);
  if (!strcmp(mode, "produce")) return produce();
  if (!strcmp(mode, "consume")) return consume();
  if (!strcmp(mode, "e2e")) return e2e();
  die("usage", "mode is produce, consume or e2e");
  return 2;
}
