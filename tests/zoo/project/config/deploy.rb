# Settings every stage shares; capistrano/setup loads this before the stage file.
set :application, "zoo"
