// The palette "Thân Thiện" (docs/flows.md): thin nodes over the hub's public interfaces only, the
// event stream on MQTT (docs/protocol.md) and the HTTP API, so that it works the same in the hub's
// own Node-RED and in a district's.
const mqtt = require('mqtt');

const EVENT_TYPES = ['rating', 'rating-reason', 'presence', 'device', 'alert', 'broadcast'];

module.exports = (RED) => {
  /**
   * A hub: where its event stream is (MQTT, with integration credentials) and its API (HTTP, with a
   * user's credentials). "This hub" takes what the hub gave its own flows process.
   */
  function HubNode(config) {
    RED.nodes.createNode(this, config);
    const own = config.thisHub && process.env.TT_FLOWS_EVENTS_ID;
    this.site = own ? process.env.TT_FLOWS_SITE : config.site;
    this.mqttUrl = own ? process.env.TT_FLOWS_EVENTS_URL : config.mqttUrl;
    this.apiUrl = (own ? process.env.TT_FLOWS_HUB_URL : config.apiUrl) || '';
    const id = own ? process.env.TT_FLOWS_EVENTS_ID : this.credentials.id;
    const secret = own ? process.env.TT_FLOWS_EVENTS_SECRET : this.credentials.secret;
    const apiUser = own ? process.env.TT_FLOWS_API_USER : this.credentials.apiUser;
    const apiPassword = own ? process.env.TT_FLOWS_API_PASSWORD : this.credentials.apiPassword;
    let cookie;
    const signIn = async () => {
      const res = await fetch(`${this.apiUrl}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'accept-language': 'vi' },
        body: JSON.stringify({ name: apiUser, password: apiPassword }),
      });
      const session = res.headers.getSetCookie().find((c) => c.startsWith('tt_session='));
      if (!res.ok || !session) throw new Error(await refusal(res));
      return session.split(';')[0];
    };
    /** A request to the hub's API (`GET /indicators?…`) as its flows user, signing in when it must. */
    this.request = async (method, path, body) => {
      if (!this.apiUrl) throw new Error(RED._('thanthien-hub.errors.apiUrl'));
      if (!apiUser || !apiPassword) throw new Error(RED._('thanthien-hub.errors.apiCredentials'));
      for (let attempt = 0; ; attempt++) {
        cookie ??= await signIn();
        const res = await fetch(`${this.apiUrl}/api/v1${path}`, {
          method,
          headers: {
            cookie,
            'accept-language': 'vi',
            ...(body ? { 'content-type': 'application/json' } : {}),
          },
          ...(body ? { body: JSON.stringify(body) } : {}),
        });
        if (res.status === 401 && attempt === 0) {
          cookie = undefined; // the session ended (a restart, a new password): once more
          continue;
        }
        if (!res.ok) throw new Error(await refusal(res));
        return res.json();
      }
    };
    const listeners = new Set();
    let client;
    let state = { fill: 'grey', shape: 'ring', text: 'thanthien-hub.status.connecting' };
    const tell = (next) => {
      state = next;
      for (const l of listeners) l.status(state);
    };
    /** Why this hub cannot be used as configured, in the node's words, or null. */
    this.problem = () => {
      if (!this.site) return 'thanthien-hub.errors.site';
      if (!this.mqttUrl) return 'thanthien-hub.errors.url';
      if (!id || !secret) return 'thanthien-hub.errors.credentials';
      return null;
    };
    /** `listener.event(type, body)` for every event, `listener.status(state)` as the link changes. */
    this.listen = (listener) => {
      listeners.add(listener);
      listener.status(state);
      if (client || this.problem()) return;
      client = mqtt.connect(this.mqttUrl, {
        clientId: id,
        username: id,
        password: secret,
        clean: true,
        reconnectPeriod: 5000,
      });
      const prefix = `thanthien/v1/${this.site}/hub/events/`;
      client.on('connect', () => {
        client.subscribe(`${prefix}#`, { qos: 1 }, (err) => {
          if (err)
            tell({ fill: 'red', shape: 'ring', text: 'thanthien-hub.status.refused', reason: err.message });
          else tell({ fill: 'green', shape: 'dot', text: 'thanthien-hub.status.connected' });
        });
      });
      client.on('error', (err) =>
        tell({ fill: 'red', shape: 'ring', text: 'thanthien-hub.status.error', reason: err.message }),
      );
      client.on('close', () => {
        if (state.fill === 'green')
          tell({ fill: 'yellow', shape: 'ring', text: 'thanthien-hub.status.disconnected' });
      });
      client.on('message', (topic, payload) => {
        const type = topic.slice(prefix.length);
        let body;
        try {
          body = JSON.parse(String(payload));
        } catch {
          return; // the hub writes JSON; anything else is not ours
        }
        for (const l of listeners) l.event(type, body);
      });
    };
    this.unlisten = (listener) => listeners.delete(listener);
    this.on('close', (done) => {
      listeners.clear();
      if (client) client.end(true, {}, () => done());
      else done();
    });
  }
  RED.nodes.registerType('thanthien-hub', HubNode, {
    credentials: {
      id: { type: 'text' },
      secret: { type: 'password' },
      apiUser: { type: 'text' },
      apiPassword: { type: 'password' },
    },
  });

  /** The hub's own words for a refusal (docs/api.md: `error.code` and `error.message`). */
  async function refusal(res) {
    const body = await res.json().catch(() => undefined);
    return body?.error ? `${body.error.code}: ${body.error.message}` : `HTTP ${res.status}`;
  }

  /** The node's status, in its words: `reason` (what the hub or the network said) appended. */
  const statusOf = (state) => ({
    fill: state.fill,
    shape: state.shape,
    text: RED._(state.text) + (state.reason ? `: ${state.reason}` : ''),
  });

  /** `thanthien in`: the hub's events, filtered by kind and desk. */
  function InNode(config) {
    RED.nodes.createNode(this, config);
    const hub = RED.nodes.getNode(config.hub);
    const kinds = (config.kinds || '').split(',').filter(Boolean);
    const desk = (config.desk || '').trim();
    const unknown = kinds.filter((k) => !EVENT_TYPES.includes(k));
    const problem = !hub
      ? 'thanthien-in.errors.hub'
      : unknown.length
        ? 'thanthien-in.errors.kind'
        : hub.problem();
    if (problem) {
      this.status({ fill: 'red', shape: 'ring', text: RED._(problem, { kinds: unknown.join(', ') }) });
      this.error(RED._(problem, { kinds: unknown.join(', ') }));
      return;
    }
    const listener = {
      status: (state) => this.status(statusOf(state)),
      event: (type, body) => {
        if (kinds.length && !kinds.includes(type)) return;
        if (desk && body.desk !== desk) return;
        this.send({ topic: type, payload: body });
      },
    };
    hub.listen(listener);
    this.on('close', () => hub.unlisten(listener));
  }
  RED.nodes.registerType('thanthien in', InNode);

  /**
   * A node that asks the hub's API on each message (`ask(hub, msg)`) and sends the answer on as
   * `msg.payload`; its status says what the answer was (`said(answer)`), or the hub's refusal.
   */
  function askingNode(node, config, ask, said) {
    const hub = RED.nodes.getNode(config.hub);
    if (!hub) {
      node.status({ fill: 'red', shape: 'ring', text: RED._('thanthien-in.errors.hub') });
      node.error(RED._('thanthien-in.errors.hub'));
      return;
    }
    node.on('input', async (msg, send, done) => {
      try {
        const answer = await ask(hub, msg);
        node.status({ fill: 'green', shape: 'dot', text: said(answer) });
        send({ ...msg, payload: answer });
        done();
      } catch (err) {
        node.status({ fill: 'red', shape: 'ring', text: err.message });
        done(err);
      }
    });
  }

  /** What `thanthien indicators` reads, and where the hub answers it. */
  const REPORTS = {
    satisfaction: '/indicators',
    attendance: '/desks/attendance',
    broadcasts: '/play-log/summary',
  };

  /** What a message asks: its payload, or a text payload as the field `field` of it. */
  const askedOf = (msg, field) =>
    typeof msg.payload === 'string' ? { [field]: msg.payload } : (msg.payload ?? {});

  /**
   * `thanthien indicators`: the indicators of a period, for reports — satisfaction (GET
   * /indicators, by desk and official), attendance (GET /desks/attendance) or the radio's airings
   * (GET /play-log/summary): `msg.payload.from` / `.to` (dates YYYY-MM-DD in the commune's time,
   * both included; today when absent), the desk and official of the node or of `msg.payload`.
   */
  function IndicatorsNode(config) {
    RED.nodes.createNode(this, config);
    const report = config.report || 'satisfaction';
    askingNode(
      this,
      config,
      (hub, msg) => {
        if (!REPORTS[report]) throw new Error(RED._('thanthien-indicators.errors.report', { report }));
        const asked = typeof msg.payload === 'object' && msg.payload !== null ? msg.payload : {};
        const query = new URLSearchParams();
        const asks = { from: asked.from, to: asked.to };
        if (report === 'satisfaction')
          Object.assign(asks, { desk: asked.desk ?? config.desk, officer: asked.officer ?? config.officer });
        for (const [key, value] of Object.entries(asks)) if (value) query.set(key, String(value));
        return hub.request('GET', `${REPORTS[report]}?${query}`);
      },
      (answer) =>
        report === 'satisfaction'
          ? RED._('thanthien-indicators.status.rated', { rated: answer.rated })
          : RED._('thanthien-indicators.status.period', answer),
    );
  }
  RED.nodes.registerType('thanthien indicators', IndicatorsNode);

  /**
   * `thanthien alert`: raise an alert that leaders see on the board and handle like any other
   * (the hub's POST /alerts): `msg.payload` its words, or `{message, desk, key}`; the node's desk
   * when the message names none. With a key, the same alert is raised once.
   */
  function AlertNode(config) {
    RED.nodes.createNode(this, config);
    askingNode(
      this,
      config,
      (hub, msg) => {
        const asked = askedOf(msg, 'message');
        const body = { message: String(asked.message ?? '') };
        const desk = asked.desk ?? config.desk;
        if (desk) body.desk = desk;
        if (asked.key) body.key = String(asked.key);
        return hub.request('POST', '/alerts', body);
      },
      (result) =>
        RED._(result.raised ? 'thanthien-alert.status.raised' : 'thanthien-alert.status.again', {
          id: result.alert.id,
        }),
    );
  }
  RED.nodes.registerType('thanthien alert', AlertNode);

  /**
   * `thanthien announce`: an announcement on the loudspeakers through the hub's broadcast rules
   * (POST /announcements): `msg.payload` the words to speak, or `{text | asset, title, zones,
   * tier, volume}` over the node's own. The hub airs it at once only if the admin allowed this flow
   * (by its id) to skip approval; otherwise a leader approves it. An emergency needs the admin's leave.
   */
  function AnnounceNode(config) {
    RED.nodes.createNode(this, config);
    const flow = tabOf(this);
    askingNode(
      this,
      config,
      (hub, msg) => {
        const asked = askedOf(msg, 'text');
        if (!asked.text === !asked.asset) throw new Error(RED._('thanthien-announce.errors.content'));
        const zones = zonesOf(asked.zones ?? config.zones);
        if (!zones) throw new Error(RED._('thanthien-announce.errors.zones'));
        // None: the tier's own (80, an emergency 100).
        const volume = volumeOf(asked.volume ?? config.volume);
        return hub.request('POST', '/announcements', {
          title: String(asked.title || config.title || flow.name || 'Thông báo'),
          tier: asked.tier || config.tier || 'normal',
          content: asked.asset
            ? { kind: 'audio', asset: asked.asset }
            : { kind: 'text', text: String(asked.text) },
          zones,
          ...(volume === undefined ? {} : { volume }),
          flow,
        });
      },
      (program) =>
        RED._(
          program.held
            ? 'thanthien-announce.status.held'
            : program.state === 'approved'
              ? 'thanthien-announce.status.onAir'
              : 'thanthien-announce.status.waiting',
          { id: program.id, held: program.held },
        ),
    );
  }
  /**
   * The tab a node runs in, through any subflows and groups around it: what the admin allows
   * (an environment variable cannot stand in for it).
   */
  const tabOf = (node) => {
    let flow = node._flow;
    while (flow && flow.TYPE !== 'flow' && flow.parent) flow = flow.parent;
    const tab = flow?.flow ?? {};
    return { id: String(tab.id ?? node.z ?? ''), name: tab.label || undefined };
  };
  const volumeOf = (value) => (value === undefined || value === '' ? undefined : Number(value));
  /** "all", a list, or zones separated by commas; undefined when none is named. */
  const zonesOf = (value) => {
    if (Array.isArray(value)) return value.map(String);
    const zones = String(value ?? '')
      .split(',')
      .map((z) => z.trim())
      .filter(Boolean);
    if (zones.length === 0) return undefined;
    return zones.length === 1 && zones[0] === 'all' ? 'all' : zones;
  };
  RED.nodes.registerType('thanthien announce', AnnounceNode);

  /**
   * `thanthien command`: `ping` or `rebirth` a device (POST /devices/{id}/commands) and send on its
   * answer: `msg.payload` the device id, or `{device, type}` over the node's own.
   */
  function CommandNode(config) {
    RED.nodes.createNode(this, config);
    askingNode(
      this,
      config,
      (hub, msg) => {
        const asked = askedOf(msg, 'device');
        const device = String(asked.device || config.device || '');
        if (!device) throw new Error(RED._('thanthien-command.errors.device'));
        const type = asked.type || config.command || 'ping';
        return hub.request('POST', `/devices/${encodeURIComponent(device)}/commands`, { type });
      },
      (answer) => RED._('thanthien-command.status.answered', answer),
    );
  }
  RED.nodes.registerType('thanthien command', CommandNode);
};
