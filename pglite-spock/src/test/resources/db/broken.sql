CREATE TABLE ok (id int);
CREATE TABLE broken (id nosuchtype);
