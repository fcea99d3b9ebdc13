// The benchmark's peer row: the hello skill's two bench intents written with the
// Alexa Skills Kit SDK for Node.js (ask-sdk-core + ask-sdk-express-adapter), the
// way its documentation shows, with request signature/timestamp checks off.
//
//   node server.js --port P [--persistence http://127.0.0.1:1555]
//
// BENCH_TELL (any intent but HELLO_VISIT): a plain tell, no service.
// HELLO_VISIT: read {visits} from the persistence stub, store visits+1, tell
// "Visit n", through a small PersistenceAdapter over HTTP keep-alive.
'use strict';

const http = require('http');
const Alexa = require('ask-sdk-core');
const express = require('express');
const { ExpressAdapter } = require('ask-sdk-express-adapter');

function arg(name, fallback) {
    const i = process.argv.indexOf(name);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const port = Number(arg('--port', '4343'));
const persistenceUrl = arg('--persistence', '');

/** PersistenceAdapter calling the stub's /v1/persistence API with the user's token. */
class StubPersistenceAdapter {
    constructor(baseUrl) {
        const url = new URL(baseUrl);
        this.host = url.hostname;
        this.port = Number(url.port || 80);
        this.base = url.pathname.replace(/\/$/, '') + '/v1/persistence';
        // One keep-alive pool, as a production adapter would use.
        this.agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
    }

    call(method, path, token, body) {
        return new Promise((resolve, reject) => {
            const payload = body === undefined ? undefined : JSON.stringify(body);
            const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
            if (payload !== undefined) {
                headers['Content-Type'] = 'application/json';
                headers['Content-Length'] = Buffer.byteLength(payload);
            }
            const req = http.request({ host: this.host, port: this.port, method,
                                       path: this.base + path, headers, agent: this.agent },
                                     (res) => {
                let text = '';
                res.setEncoding('utf8');
                res.on('data', (chunk) => { text += chunk; });
                res.on('end', () => resolve({ status: res.statusCode, text }));
            });
            req.on('error', reject);
            if (payload !== undefined) req.write(payload);
            req.end();
        });
    }

    static token(envelope) { return envelope.context.System.user.accessToken; }

    async getAttributes(envelope) {
        const res = await this.call('GET', '/entry/data', StubPersistenceAdapter.token(envelope));
        if (res.status === 404) return {};
        if (res.status !== 200) throw new Error(`persistence GET: ${res.status}`);
        return JSON.parse(res.text);
    }

    async saveAttributes(envelope, attributes) {
        const res = await this.call('POST', '/entry', StubPersistenceAdapter.token(envelope),
                                    { data: attributes });
        if (res.status !== 200) throw new Error(`persistence POST: ${res.status}`);
    }
}

const VisitHandler = {
    canHandle(input) {
        return Alexa.getRequestType(input.requestEnvelope) === 'IntentRequest' &&
               Alexa.getIntentName(input.requestEnvelope) === 'HELLO_VISIT';
    },
    async handle(input) {
        const attributes = input.attributesManager;
        const data = await attributes.getPersistentAttributes();
        const visits = Number.isInteger(data.visits) ? data.visits : 0;
        attributes.setPersistentAttributes({ visits: visits + 1 });
        await attributes.savePersistentAttributes();
        return input.responseBuilder.speak(`Visit ${visits + 1}`).getResponse();
    },
};

const FallbackHandler = {
    canHandle() { return true; },
    handle(input) {
        return input.responseBuilder.speak('Sorry, I can only say hello.').getResponse();
    },
};

let builder = Alexa.SkillBuilders.custom().addRequestHandlers(VisitHandler, FallbackHandler);
if (persistenceUrl) builder = builder.withPersistenceAdapter(new StubPersistenceAdapter(persistenceUrl));
const skill = builder.create();

const app = express();
app.post('/', new ExpressAdapter(skill, false, false).getRequestHandlers());
app.get('/health', (req, res) => res.json({ status: 'ok' }));
app.listen(port, '127.0.0.1', () => console.log(`listening ${port}`));
