DROP TABLE IF EXISTS integrator_clients;
