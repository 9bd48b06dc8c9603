// Looks like a plugin to a person, but was not made with definePlugin: no `manifest` marker.
export default { name: '@fixtures/not-a-manifest', version: '1.0.0', provides: [] };
