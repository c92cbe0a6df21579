// The run order and the assertions for Adobe's base-connection requests
// (flow-service-base-connections.postman_collection.json, extracted from Adobe's collection).
//
// Each step names one of Adobe's requests, which is run as Adobe defined it; a step only adds
// Postman scripts around it: `pre` runs before Adobe's own pre-request script (it sets the
// variables Adobe's request reads: {{body}}, {{property}}, {{limit}}, {{if-match}}, ...), `test`
// runs after the response. Values travel between steps as environment variables
// (CONNECTION_ID, ETAG, ...), the way Adobe's IMS collection keeps ACCESS_TOKEN.
// scripts/postman/wrap.js turns this list into the collection newman runs.
//
// The functions below are never called here: their bodies are copied into the collection and run
// in Postman's sandbox, so they may use `pm` and nothing from this file.
/* global pm */

const FLOW_URL_VARS = ["PLATFORM_GATEWAY"];

// Our own request: Adobe's Flow Service collection has none for the token (Adobe's IMS collection
// uses the retired /ims/token/v2 with the secret in the query), so this is the OAuth
// Server-to-Server request of docs/flow-service-api.md §1.
const tokenRequest = {
    method: "POST",
    header: [{ key: "Content-Type", value: "application/x-www-form-urlencoded" }],
    body: {
        mode: "urlencoded",
        urlencoded: [
            { key: "client_id", value: "{{API_KEY}}" },
            { key: "client_secret", value: "{{CLIENT_SECRET}}" },
            { key: "grant_type", value: "client_credentials" },
            { key: "scope", value: "{{SCOPES}}" },
        ],
    },
    url: {
        raw: "{{IMS_URL}}/ims/token/v3",
        host: ["{{IMS_URL}}"],
        path: ["ims", "token", "v3"],
    },
};

// Runs before every step: clears what a previous step set for Adobe's optional variables, so
// that Adobe's pre-request script drops the query parameters a step does not use.
function beforeEach() {
    ["body", "property", "limit", "orderby", "continuationToken", "if-match"].forEach((k) =>
        pm.environment.unset(k),
    );
}

// Runs after every step: where the request went, and what every Platform response carries.
function afterEach() {
    pm.test("request went to the emulator on 127.0.0.1", () => {
        pm.expect(pm.request.url.getHost()).to.equal("127.0.0.1");
    });
    pm.test("response has an x-request-id header", () => {
        pm.expect(pm.response.headers.get("x-request-id") || "").to.not.equal("");
    });
}

const steps = [
    {
        name: "IMS: request an access token (client credentials)",
        request: tokenRequest,
        test() {
            pm.test("200 with a bearer token", () => {
                pm.response.to.have.status(200);
                const json = pm.response.json();
                pm.expect(json.access_token).to.be.a("string").and.not.empty;
                pm.expect(String(json.token_type).toLowerCase()).to.equal("bearer");
                pm.expect(json.expires_in).to.be.a("number").above(0);
                pm.environment.set("ACCESS_TOKEN", json.access_token);
            });
        },
    },
    {
        use: "List connection specifications",
        test() {
            pm.test("200 with items, each with id, name and authSpec", () => {
                pm.response.to.have.status(200);
                const items = pm.response.json().items;
                pm.expect(items).to.be.an("array").and.not.empty;
                items.forEach((spec) => {
                    pm.expect(spec.id, "id").to.be.a("string").and.not.empty;
                    pm.expect(spec.name, "name").to.be.a("string").and.not.empty;
                    pm.expect(spec.authSpec, `authSpec of ${spec.id}`).to.be.an("array");
                });
            });
            pm.test("the Amazon S3 spec is listed, with the Access Key auth spec", () => {
                const s3 = pm.response
                    .json()
                    .items.find((s) => s.id === pm.environment.get("CONNECTION_SPEC_ID"));
                pm.expect(s3, "S3 connection spec").to.be.an("object");
                const key = s3.authSpec.find((a) => a.name === "Access Key");
                pm.expect(key, "auth spec 'Access Key'").to.be.an("object");
                pm.expect(key.spec.properties).to.include.keys("s3AccessKey", "s3SecretKey");
            });
        },
    },
    {
        use: "List connection specifications",
        variant: "property=id==S3 spec",
        pre() {
            pm.environment.set("property", "id==" + pm.environment.get("CONNECTION_SPEC_ID"));
        },
        test() {
            pm.test("200 with only the Amazon S3 spec", () => {
                pm.response.to.have.status(200);
                const items = pm.response.json().items;
                pm.expect(items).to.be.an("array").with.lengthOf(1);
                pm.expect(items[0].id).to.equal(pm.environment.get("CONNECTION_SPEC_ID"));
            });
        },
    },
    {
        use: "Retrieve a connection specification",
        test() {
            pm.test("200 with the Amazon S3 spec in items", () => {
                pm.response.to.have.status(200);
                const items = pm.response.json().items;
                pm.expect(items).to.be.an("array").with.lengthOf(1);
                pm.expect(items[0].id).to.equal(pm.environment.get("CONNECTION_SPEC_ID"));
                pm.expect(items[0].name).to.be.a("string").and.not.empty;
                const key = items[0].authSpec.find((a) => a.name === "Access Key");
                pm.expect(key, "auth spec 'Access Key'").to.be.an("object");
                pm.expect(key.spec.properties).to.include.keys("s3AccessKey", "s3SecretKey");
            });
        },
    },
    {
        use: "Create a new connection",
        variant: "Amazon S3, Access Key",
        pre() {
            const name = "newman S3 connection " + Date.now();
            pm.environment.set("CONNECTION_NAME", name);
            pm.environment.set(
                "body",
                JSON.stringify({
                    name,
                    description: "Created by scripts/postman.sh",
                    auth: {
                        specName: "Access Key",
                        params: {
                            s3AccessKey: pm.environment.get("S3_ACCESS_KEY"),
                            s3SecretKey: pm.environment.get("S3_SECRET_KEY"),
                            bucketName: "newman-bucket",
                        },
                    },
                    connectionSpec: { id: pm.environment.get("CONNECTION_SPEC_ID"), version: "1.0" },
                }),
            );
        },
        test() {
            pm.test("201 with id and etag", () => {
                pm.response.to.have.status(201);
                const json = pm.response.json();
                pm.expect(json.id).to.be.a("string").and.not.empty;
                pm.expect(json.etag).to.be.a("string").and.not.empty;
                pm.environment.set("CONNECTION_ID", json.id);
                pm.environment.set("ETAG", json.etag);
            });
        },
    },
    {
        use: "Create a new connection",
        variant: "a second one, for paging",
        pre() {
            pm.environment.set(
                "body",
                JSON.stringify({
                    name: "newman S3 connection 2 " + Date.now(),
                    auth: {
                        specName: "Access Key",
                        params: {
                            s3AccessKey: pm.environment.get("S3_ACCESS_KEY"),
                            s3SecretKey: pm.environment.get("S3_SECRET_KEY"),
                        },
                    },
                    connectionSpec: { id: pm.environment.get("CONNECTION_SPEC_ID") },
                }),
            );
        },
        test() {
            pm.test("201 with id and etag", () => {
                pm.response.to.have.status(201);
                const json = pm.response.json();
                pm.expect(json.id).to.be.a("string").and.not.empty;
                pm.expect(json.etag).to.be.a("string").and.not.empty;
                pm.environment.set("CONNECTION_ID_2", json.id);
            });
        },
    },
    {
        use: "List connections",
        variant: "property=connectionSpec.id==S3 spec",
        pre() {
            pm.environment.set(
                "property",
                "connectionSpec.id==" + pm.environment.get("CONNECTION_SPEC_ID"),
            );
        },
        test() {
            pm.test("200 with items holding both new connections, all Amazon S3", () => {
                pm.response.to.have.status(200);
                const items = pm.response.json().items;
                pm.expect(items).to.be.an("array");
                const ids = items.map((c) => c.id);
                pm.expect(ids).to.include(pm.environment.get("CONNECTION_ID"));
                pm.expect(ids).to.include(pm.environment.get("CONNECTION_ID_2"));
                items.forEach((c) =>
                    pm.expect(c.connectionSpec.id).to.equal(pm.environment.get("CONNECTION_SPEC_ID")),
                );
            });
        },
    },
    {
        use: "List connections",
        variant: "limit=1, first page",
        pre() {
            pm.environment.set("limit", "1");
            pm.environment.set("orderby", "name");
        },
        test() {
            pm.test("200 with one item and a _links.next.href holding a continuationToken", () => {
                pm.response.to.have.status(200);
                const json = pm.response.json();
                pm.expect(json.items).to.be.an("array").with.lengthOf(1);
                pm.environment.set("FIRST_PAGE_ID", json.items[0].id);
                const href = json._links && json._links.next && json._links.next.href;
                pm.expect(href, "_links.next.href").to.be.a("string").and.not.empty;
                const query = href.split("?")[1] || "";
                const token = query
                    .split("&")
                    .map((kv) => kv.split("="))
                    .filter((kv) => kv[0] === "continuationToken")
                    .map((kv) => decodeURIComponent(kv[1] || ""))[0];
                pm.expect(token, "continuationToken in " + href).to.be.a("string").and.not.empty;
                pm.environment.set("NEXT_TOKEN", token);
            });
        },
    },
    {
        use: "List connections",
        variant: "limit=1, next page by continuationToken",
        pre() {
            pm.environment.set("limit", "1");
            pm.environment.set("orderby", "name");
            pm.environment.set("continuationToken", pm.environment.get("NEXT_TOKEN") || "");
        },
        test() {
            pm.test("200 with the next item", () => {
                pm.response.to.have.status(200);
                const items = pm.response.json().items;
                pm.expect(items).to.be.an("array").with.lengthOf(1);
                pm.expect(items[0].id).to.not.equal(pm.environment.get("FIRST_PAGE_ID"));
            });
        },
    },
    {
        use: "Retrieve a connection",
        test() {
            pm.test("200 with the connection in items", () => {
                pm.response.to.have.status(200);
                const items = pm.response.json().items;
                pm.expect(items).to.be.an("array").with.lengthOf(1);
                const c = items[0];
                pm.expect(c.id).to.equal(pm.environment.get("CONNECTION_ID"));
                pm.expect(c.name).to.equal(pm.environment.get("CONNECTION_NAME"));
                pm.expect(c.etag).to.equal(pm.environment.get("ETAG"));
                pm.expect(c.connectionSpec.id).to.equal(pm.environment.get("CONNECTION_SPEC_ID"));
                pm.expect(c.auth.specName).to.equal("Access Key");
                pm.expect(c.state).to.equal("enabled");
                pm.expect(c.createdAt).to.be.a("number");
                pm.expect(c.updatedAt).to.be.a("number");
            });
            pm.test("the secret key does not come back", () => {
                const params = pm.response.json().items[0].auth.params || {};
                pm.expect(params.s3SecretKey).to.not.equal(pm.environment.get("S3_SECRET_KEY"));
            });
        },
    },
    {
        use: "Update an existing connection",
        variant: "replace /name, add /description",
        pre() {
            const name = pm.environment.get("CONNECTION_NAME") + " (renamed)";
            pm.environment.set("CONNECTION_NAME", name);
            pm.environment.set(
                "body",
                JSON.stringify([
                    { op: "replace", path: "/name", value: name },
                    { op: "add", path: "/description", value: "Updated by scripts/postman.sh" },
                ]),
            );
            // Adobe's request passes {{if-match}} as a query parameter (the API reference and
            // the update tutorial send the If-Match header): sent exactly as the collection does,
            // the emulator must take it.
            pm.environment.set("if-match", pm.environment.get("ETAG"));
        },
        test() {
            pm.test("200 with the id and a new etag", () => {
                pm.response.to.have.status(200);
                const json = pm.response.json();
                pm.expect(json.id).to.equal(pm.environment.get("CONNECTION_ID"));
                pm.expect(json.etag).to.be.a("string").and.not.empty;
                pm.expect(json.etag).to.not.equal(pm.environment.get("ETAG"));
                pm.environment.set("ETAG", json.etag);
            });
        },
    },
    {
        use: "Retrieve a connection",
        variant: "after the update",
        test() {
            pm.test("200 with the new name, description and etag", () => {
                pm.response.to.have.status(200);
                const c = pm.response.json().items[0];
                pm.expect(c.name).to.equal(pm.environment.get("CONNECTION_NAME"));
                pm.expect(c.description).to.equal("Updated by scripts/postman.sh");
                pm.expect(c.etag).to.equal(pm.environment.get("ETAG"));
            });
        },
    },
    {
        use: "Test a connection's connectivity",
        test() {
            pm.test("200 with a boolean result", () => {
                pm.response.to.have.status(200);
                pm.expect(pm.response.json().result).to.be.a("boolean");
            });
        },
    },
    {
        use: "Explore a connection's contents",
        variant: "as Adobe's request is, no query: the root",
        test() {
            pm.test("200 with an array of folders and files", () => {
                pm.response.to.have.status(200);
                const entries = pm.response.json();
                pm.expect(entries).to.be.an("array").and.not.empty;
                entries.forEach((e) => {
                    pm.expect(e.type).to.be.oneOf(["folder", "file"]);
                    pm.expect(e.name).to.be.a("string").and.not.empty;
                    pm.expect(e.path).to.be.a("string").and.not.empty;
                    pm.expect(e.canPreview, "canPreview").to.be.a("boolean");
                    pm.expect(e.canFetchSchema, "canFetchSchema").to.be.a("boolean");
                });
                const folder = entries.find((e) => e.type === "folder");
                pm.environment.set("EXPLORE_FOLDER", folder ? folder.path : "");
            });
        },
    },
    {
        use: "Explore a connection's contents",
        variant: "objectType=folder, a folder of the root",
        pre() {
            pm.request.url.query.add({ key: "objectType", value: "folder" });
            pm.request.url.query.add({ key: "object", value: pm.environment.get("EXPLORE_FOLDER") });
        },
        test() {
            pm.test("200 with an array of folders and files under it", () => {
                pm.response.to.have.status(200);
                const entries = pm.response.json();
                pm.expect(entries).to.be.an("array");
                entries.forEach((e) => {
                    pm.expect(e.type).to.be.oneOf(["folder", "file"]);
                    pm.expect(e.path.indexOf(pm.environment.get("EXPLORE_FOLDER"))).to.equal(0);
                });
            });
        },
    },
    {
        use: "Delete an existing connection",
        test() {
            pm.test("204 with an empty body", () => {
                pm.response.to.have.status(204);
                pm.expect(pm.response.text()).to.equal("");
            });
        },
    },
    {
        use: "Delete an existing connection",
        variant: "the second one",
        pre() {
            // Adobe's request reads {{CONNECTION_ID}}: point it at the second one for this step.
            pm.environment.set("CONNECTION_ID_1", pm.environment.get("CONNECTION_ID"));
            pm.environment.set("CONNECTION_ID", pm.environment.get("CONNECTION_ID_2"));
        },
        test() {
            pm.environment.set("CONNECTION_ID", pm.environment.get("CONNECTION_ID_1"));
            pm.test("204 with an empty body", () => {
                pm.response.to.have.status(204);
                pm.expect(pm.response.text()).to.equal("");
            });
        },
    },
    {
        use: "Retrieve a connection",
        variant: "after the delete",
        test() {
            pm.test("404 with a Flow Service error body", () => {
                pm.response.to.have.status(404);
                const json = pm.response.json();
                pm.expect(json.status || json.error_code, "status or error_code").to.exist;
            });
        },
    },
];

module.exports = { steps, beforeEach, afterEach, FLOW_URL_VARS };
