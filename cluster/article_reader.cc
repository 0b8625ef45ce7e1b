// ArticleReader over the cluster's JetStream client (js_client.h): the same connection set-up
// and the same retries of broker trouble as the instances.
#include "cluster/article_reader.h"

#include "cluster/js_client.h"
#include "cluster/names.h"
#include "cluster/nats_handles.h"

namespace newscrawl::cluster {

struct ArticleReader::State {
  explicit State(const ArticleReaderOptions& o)
      : options(o),
        client(JsClient::Options{o.request_timeout, o.request_timeout, nullptr, nullptr}) {}
  ArticleReaderOptions options;
  JsClient client;  // before `sub`: destroyed after it
  std::string stream;
  std::string consumer;
  bool temporary = false;
  NatsSubscriptionPtr sub;
  std::vector<NatsMsgPtr> pending;  // handed out by Next, not yet acknowledged
};

ArticleReader::ArticleReader(std::unique_ptr<State> state) : state_(std::move(state)) {}

ArticleReader::~ArticleReader() { Close(); }

Result<std::unique_ptr<ArticleReader>> ArticleReader::Open(const ArticleReaderOptions& options) {
  if (options.urls.empty()) return Status::InvalidArgument("no NATS URL given");
  if (!IsNameToken(options.consumer))
    return Status::InvalidArgument("consumer name '" + options.consumer +
                                   "' may only hold letters, digits, '-' and '_'");
  auto state = std::make_unique<State>(options);
  state->stream = NamesFor(options.name_prefix).articles_stream;
  state->temporary = options.consumer.empty();
  state->consumer = options.consumer;

  JsClient& client = state->client;
  NatsConnectOptions connect;
  connect.urls = options.urls;
  connect.timeout = options.request_timeout;
  NC_RETURN_IF_ERROR(client.Connect(std::move(connect)));
  jsCtx* js = client.js();

  jsErrCode code = static_cast<jsErrCode>(0);
  Status found = client.Retry(
      "stream_info",
      [&] {
        jsStreamInfo* si = nullptr;
        natsStatus s = js_GetStreamInfo(&si, js, state->stream.c_str(), nullptr, &code);
        jsStreamInfo_Destroy(si);
        return code == JSStreamNotFoundErr ? NATS_NOT_FOUND : s;
      },
      [](natsStatus s) { return s == NATS_NOT_FOUND; });
  if (found.code() == StatusCode::kNotFound)
    return Status::NotFound("stream " + state->stream +
                            " does not exist yet: no newscrawl instance has joined this cluster");
  NC_RETURN_IF_ERROR(found.WithContext("looking up stream " + state->stream));

  const std::string subject = NamesFor(options.name_prefix).articles_subject_prefix + ">";
  jsSubOptions so;
  jsSubOptions_Init(&so);
  so.Stream = state->stream.c_str();
  so.Config.AckPolicy = js_AckExplicit;
  so.Config.DeliverPolicy = js_DeliverAll;
  so.Config.AckWait = static_cast<int64_t>(options.ack_wait.count()) * 1000000;
  if (!state->temporary) {
    // Created explicitly and then bound, so nothing on our side ever deletes a durable.
    jsConsumerConfig cc = so.Config;
    cc.Durable = state->consumer.c_str();
    cc.FilterSubject = subject.c_str();
    Status added = client.Retry("add_consumer", [&] {
      jsConsumerInfo* ci = nullptr;
      natsStatus s = js_AddConsumer(&ci, js, state->stream.c_str(), &cc, nullptr, &code);
      jsConsumerInfo_Destroy(ci);
      return s != NATS_OK && code == JSConsumerNameExistErr ? NATS_OK : s;
    });
    NC_RETURN_IF_ERROR(
        added.WithContext("creating consumer " + state->consumer + " on " + state->stream));
    so.Consumer = state->consumer.c_str();
  } else {
    so.Config.InactiveThreshold = int64_t{300} * 1000000000;  // the server cleans up after us
  }
  natsSubscription* sub = nullptr;
  Status subscribed = client.Retry("subscribe_articles", [&] {
    return js_PullSubscribe(&sub, js, subject.c_str(),
                            state->temporary ? nullptr : state->consumer.c_str(), nullptr, &so,
                            &code);
  });
  NC_RETURN_IF_ERROR(subscribed.WithContext("subscribing to " + state->stream));
  state->sub.reset(sub);
  return std::unique_ptr<ArticleReader>(new ArticleReader(std::move(state)));
}

Result<std::vector<ArticleReader::Line>> ArticleReader::Next(int max,
                                                             std::chrono::milliseconds wait) {
  State& st = *state_;
  if (!st.sub) return Status::FailedPrecondition("reader closed");
  std::vector<Line> lines;
  natsMsgList list{};
  bool drained = false;  // nothing new within `wait`
  Status read = st.client.Retry(
      "read_articles",
      [&] {
        jsErrCode code = static_cast<jsErrCode>(0);
        natsStatus s = natsSubscription_Fetch(&list, st.sub.get(), max, wait.count(), &code);
        drained = s == NATS_TIMEOUT;
        return s;
      },
      [&](natsStatus) { return drained; }, wait);
  if (drained) return lines;
  NC_RETURN_IF_ERROR(read.WithContext("reading " + st.stream));
  for (int i = 0; i < list.Count; ++i) {
    natsMsg* m = list.Msgs[i];
    list.Msgs[i] = nullptr;  // ownership moves to `pending`
    st.pending.emplace_back(m);
    std::string_view body(natsMsg_GetData(m), static_cast<size_t>(natsMsg_GetDataLength(m)));
    const char* event = nullptr;
    if (natsMsgHeader_Get(m, "Newscrawl-Event", &event) != NATS_OK || event == nullptr)
      event = "new";
    Line line;
    size_t end = body.find_last_of('}');
    if (end == std::string_view::npos) end = body.size();
    line.json.reserve(body.size() + 24);
    line.json.append(body.substr(0, end));
    line.json.append(",\"event\":\"");
    line.json.append(event);
    line.json.append("\"}");
    line.stream_seq = natsMsg_GetSequence(m);
    lines.push_back(std::move(line));
  }
  natsMsgList_Destroy(&list);
  return lines;
}

Status ArticleReader::Ack() {
  State& st = *state_;
  for (size_t i = 0; i < st.pending.size(); ++i) {
    Status acked = st.client.Retry(
        "ack_article", [&] { return natsMsg_AckSync(st.pending[i].get(), nullptr, nullptr); });
    if (!acked.ok()) {
      st.pending.erase(st.pending.begin(), st.pending.begin() + static_cast<ptrdiff_t>(i));
      return acked.WithContext("acknowledging a message of " + st.stream);
    }
  }
  st.pending.clear();
  return Status::Ok();
}

void ArticleReader::Close() {
  if (!state_) return;
  State& st = *state_;
  st.pending.clear();
  st.sub.reset();  // a temporary consumer is removed by the server after 5 minutes idle
  st.client.Close();
}

}  // namespace newscrawl::cluster
