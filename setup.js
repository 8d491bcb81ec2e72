// cdktf's jest matchers (toHaveResource, toHaveResourceWithProperties, ...), as in the cdktf template.
const cdktf = require("cdktf");
cdktf.Testing.setupJest();
