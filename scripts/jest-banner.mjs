// Printed before each jest run of `npm test`, so the CI log shows which Node.js ran which projects.
console.log(`jest on Node.js ${process.version}: ${process.argv.slice(2).join(', ')}`);
