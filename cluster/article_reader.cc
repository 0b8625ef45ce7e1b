#include "cluster/article_reader.h"

#include <thread>

#include "cluster/names.h"
#include "cluster/nats_handles.h"

namespace newscrawl::cluster {

struct ArticleReader::State {
  ArticleReaderOptions options;
  std::string stream;
  std::string consumer;
  bool temporary = false;
  NatsConnectionPtr conn;
  JsCtxPtr js;
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
  auto state = std::make_unique<State>();
  state->options = options;
  state->stream = NamesFor(options.name_prefix).articles_stream;
  state->temporary = options.consumer.empty();
  state->consumer = options.consumer;

  NatsConnectOptions connect;
  connect.urls = options.urls;
  connect.timeout = options.request_timeout;
  auto connection = ConnectJetStream(connect);
  if (!connection.ok()) return connection.status();
  state->conn = std::move(connection->conn);
  state->js = std::move(connection->js);
  jsCtx* js = state->js.get();
  natsStatus s = NATS_OK;

  jsStreamInfo* si = nullptr;
  jsErrCode code = static_cast<jsErrCode>(0);
  s = js_GetStreamInfo(&si, js, state->stream.c_str(), nullptr, &code);
  JsStreamInfoPtr info(si);
  if (s == NATS_NOT_FOUND || code == JSStreamNotFoundErr)
    return Status::NotFound("stream " + state->stream +
                            " does not exist yet: no newscrawl instance has joined this cluster");
  if (s != NATS_OK) return NatsError(s, "looking up stream " + state->stream);

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
    jsConsumerInfo* ci = nullptr;
    s = js_AddConsumer(&ci, js, state->stream.c_str(), &cc, nullptr, &code);
    jsConsumerInfo_Destroy(ci);
    if (s != NATS_OK && code != JSConsumerNameExistErr)
      return NatsError(s, "creating consumer " + state->consumer + " on " + state->stream);
    so.Consumer = state->consumer.c_str();
  } else {
    so.Config.InactiveThreshold = int64_t{300} * 1000000000;  // the server cleans up after us
  }
  natsSubscription* sub = nullptr;
  s = js_PullSubscribe(&sub, js, subject.c_str(),
                       state->temporary ? nullptr : state->consumer.c_str(), nullptr, &so, &code);
  if (s != NATS_OK) return NatsError(s, "subscribing to " + state->stream);
  state->sub.reset(sub);
  return std::unique_ptr<ArticleReader>(new ArticleReader(std::move(state)));
}

Result<std::vector<ArticleReader::Line>> ArticleReader::Next(int max,
                                                             std::chrono::milliseconds wait) {
  State& st = *state_;
  if (!st.sub) return Status::FailedPrecondition("reader closed");
  std::vector<Line> lines;
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (true) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() < 1) left = std::chrono::milliseconds(1);
    natsMsgList list;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus s = natsSubscription_Fetch(&list, st.sub.get(), max, left.count(), &code);
    if (s == NATS_OK) {
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
    if (s == NATS_TIMEOUT) return lines;  // nothing new within `wait`
    if (!IsTransient(s) || std::chrono::steady_clock::now() >= deadline)
      return NatsError(s, "reading " + st.stream);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Status ArticleReader::Ack() {
  State& st = *state_;
  for (size_t i = 0; i < st.pending.size(); ++i) {
    natsStatus s = NATS_OK;
    for (int attempt = 0; attempt < 5; ++attempt) {
      s = natsMsg_AckSync(st.pending[i].get(), nullptr, nullptr);
      if (s == NATS_OK || !IsTransient(s)) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200 * (attempt + 1)));
    }
    if (s != NATS_OK) {
      st.pending.erase(st.pending.begin(), st.pending.begin() + static_cast<ptrdiff_t>(i));
      return NatsError(s, "acknowledging a message of " + st.stream);
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
  st.js.reset();
  st.conn.reset();
}

}  // namespace newscrawl::cluster
