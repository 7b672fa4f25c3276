// A module a plugin might list by mistake: its default export is not a thread codec.
export default { name: "half", test: () => true };
