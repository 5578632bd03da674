const greet = require('greeting');
// dev: console.log('debug build');
console.log(greet('a Node service built in a builder stage'));
