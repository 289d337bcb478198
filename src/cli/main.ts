console.log('lakehouse: not yet implemented');
